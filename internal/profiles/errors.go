package profiles

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMalformed marks input that is not one well-formed JSON object: a syntax error,
// no document at all, data after the document, or a document that is not an object.
// The HTTP layer maps it to 400; a *ValidationError (wrong values, wrong JSON types,
// unknown fields) maps to 422.
var ErrMalformed = errors.New("malformed JSON")

// FieldError is one invalid field: its JSON path (e.g. "needs[2].weight",
// "instruments.meals", "areas[0]") and what is wrong with it. It is the element of the
// "errors" list of an RFC 9457 problem response.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of one document, not just the first, so
// that a user can correct the whole document at once.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
}

// Error joins the field errors as "field: message; field: message".
func (e *ValidationError) Error() string {
	if len(e.Errors) == 0 {
		return "invalid document"
	}
	var b strings.Builder
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		if fe.Field != "" {
			b.WriteString(fe.Field)
			b.WriteString(": ")
		}
		b.WriteString(fe.Message)
	}
	return b.String()
}

// LineError is one rejected line of an input file: the file name the reader was
// given, the 1-based line number (for CSV the line a record starts on) and why.
type LineError struct {
	File string
	Line int
	Err  error
}

// Error formats the error as "file:line: <err>", the form editors and CI logs link.
func (e LineError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the reason, so that errors.Is(err, ErrMalformed) and
// errors.As(err, &*ValidationError) see through a LineError.
func (e LineError) Unwrap() error { return e.Err }

// maxFieldErrors caps the errors reported for one document: a list of a hundred
// thousand bad codes needs one correction, not a hundred thousand messages.
const maxFieldErrors = 100

// fieldErrors collects the FieldErrors of one document, up to maxFieldErrors.
type fieldErrors struct {
	list []FieldError
	more int // errors beyond maxFieldErrors, counted but not kept
}

func (fe *fieldErrors) add(field, format string, args ...any) {
	if len(fe.list) >= maxFieldErrors {
		fe.more++
		return
	}
	fe.addError(FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (fe *fieldErrors) addError(e FieldError) {
	if len(fe.list) >= maxFieldErrors {
		fe.more++
		return
	}
	fe.list = append(fe.list, e)
}

// err returns nil when no field is invalid, else a *ValidationError.
func (fe *fieldErrors) err() error {
	if len(fe.list) == 0 {
		return nil
	}
	list := fe.list
	if fe.more > 0 {
		list = append(list, FieldError{Message: fmt.Sprintf("more errors not shown (the first %d are listed)", maxFieldErrors)})
	}
	return &ValidationError{Errors: list}
}
