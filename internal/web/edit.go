package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"samenspel/internal/profiles"
)

// A partner's own profile: edit it (what the form does not show, such as private
// notes other than the ideas, is kept), confirm that a stale one is still right,
// or delete it. Its owner and admins may; anyone else is sent to sign in (403 when
// signed in as someone else).

// managedPath is the profile id of the path when the visitor may change it; else
// it writes the answer: a 404 page for a path that names no possible id, the
// sign-in page or 403 (manages).
func (s *Site) managedPath(c *gin.Context) (string, bool) {
	id := c.Param("id")
	if !profiles.ValidID(id) {
		s.errorPage(c, http.StatusNotFound)
		return "", false
	}
	return id, s.manages(c, id)
}

// manages reports whether the visitor may change profile id, and writes the
// answer when not: to sign in first, or 403.
func (s *Site) manages(c *gin.Context, id string) bool {
	if err := s.visitor(c).ManageProfile(id); err != nil {
		s.refused(c, err, "/profiles/"+id)
		return false
	}
	return true
}

// formOf is the form of a stored profile: every field it shows filled in, each
// of its areas a ticked box.
func (s *Site) formOf(c *gin.Context, l Lang, rec profiles.Record) (profileForm, error) {
	p := rec.Profile
	f := profileForm{Action: "/profiles/" + p.ID + "/edit", Submit: t(l, "edit.submit"), Version: rec.Version,
		Name: p.Name, Kind: p.Kind, Size: p.Size, New: p.NewProvider, CanLead: p.CanLead, Description: p.Description,
		levels: map[string]float64{}, themes: p.Themes, Ideas: p.Private["ideas"]}
	for code, x := range p.Instruments {
		f.levels[code] = x
	}
	if ct := p.Contact; ct != nil {
		f.Email, f.Phone, f.Website, f.Person = ct.Email, ct.Phone, ct.Website, ct.Person
	}
	f.areaCodes = slices.Clone(p.Areas) // each a ticked box, by name
	return f, nil
}

type editData struct {
	profileForm
	Changed bool // someone wrote the profile since the form was read
}

// editPage is GET /profiles/{id}/edit.
func (s *Site) editPage(c *gin.Context) {
	l := s.lang(c)
	id, ok := s.managedPath(c)
	if !ok {
		return
	}
	rec, err := s.d.Store.GetProfileRecord(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.formOf(c, l, rec)
	if err == nil {
		err = s.fill(c, l, &f)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "edit", t(l, "edit.title", rec.Profile.Name), "", editData{profileForm: f})
}

// edit is POST /profiles/{id}/edit: the profile as the form has it, written only
// when nobody wrote it since the form was read (its version, as If-Match); the
// form again with its errors, or with a notice when someone did.
func (s *Site) edit(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	l := s.lang(c)
	id, ok := s.managedPath(c)
	if !ok {
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.errorPage(c, http.StatusBadRequest)
		return
	}
	f := readProfileForm(c.Request.PostForm)
	f.Action, f.Submit, f.Version = "/profiles/"+id+"/edit", t(l, "edit.submit"), c.PostForm("version")
	s.resolve(&f.areaPick)
	var verr *profiles.ValidationError
	name := "" // the stored name, for the heading: what was typed may be empty or wrong
	_, err := s.d.Forms.UpdateProfile(c.Request.Context(), id, []string{f.Version}, func(stored profiles.Record) (profiles.Profile, error) {
		name = stored.Profile.Name
		p := f.profile(id)
		// What the form does not show stays: the private notes besides the ideas.
		for k, v := range stored.Profile.Private {
			if k == "ideas" {
				continue
			}
			if p.Private == nil {
				p.Private = map[string]string{}
			}
			p.Private[k] = v
		}
		return p, f.withUnknown(s.d.Taxonomy.ValidateProfile(p), "areas")
	})
	changed := errors.Is(err, profiles.ErrChanged)
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/profiles/"+id)
		return
	case errors.As(err, &verr):
		f.setErrors(l, verr)
	case changed:
		rec, err := s.d.Store.GetProfileRecord(c.Request.Context(), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Version = rec.Version // sent again, the form is written over what is there now
		name = rec.Profile.Name
	default:
		s.fail(c, err)
		return
	}
	if err := s.fill(c, l, &f); err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if changed {
		status = http.StatusConflict
	}
	c.Header("Cache-Control", "no-store")
	if name == "" {
		name = f.Name
	}
	s.render(c, status, "edit", t(l, "edit.title", name), "", editData{profileForm: f, Changed: changed})
}

// confirm is POST /profiles/{id}/confirm: the profile is still right; a stale
// one takes part in suggestions again.
func (s *Site) confirm(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	id, ok := s.managedPath(c)
	if !ok {
		return
	}
	if err := s.d.Forms.ConfirmProfile(c.Request.Context(), id, s.d.Now()); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/profiles/"+id+"?confirmed=1")
}

type deleteData struct {
	ID, Name string
}

// deletePage is GET /profiles/{id}/delete: are you sure?
func (s *Site) deletePage(c *gin.Context) {
	l := s.lang(c)
	id, ok := s.managedPath(c)
	if !ok {
		return
	}
	rec, err := s.d.Store.GetProfileRecord(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "delete", t(l, "delete.title", rec.Profile.Name), "", deleteData{ID: id, Name: rec.Profile.Name})
}

// remove is POST /profiles/{id}/delete: the profile goes, with its tokens, so
// its owner's session ends too.
func (s *Site) remove(c *gin.Context) {
	if !s.checkCSRF(c) {
		return
	}
	l := s.lang(c)
	id, ok := s.managedPath(c)
	if !ok {
		return
	}
	rec, err := s.d.Store.GetProfileRecord(c.Request.Context(), id)
	if err == nil {
		err = s.d.Forms.DeleteProfile(c.Request.Context(), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if v := s.visitor(c); v.Profile == id {
		s.d.Sessions.SignOut(c.Writer, c.Request)
		c.Set(visitorKey, Visitor{})
	}
	s.render(c, http.StatusOK, "deleted", t(l, "deleted.title", rec.Profile.Name), "", deleteData{ID: id, Name: rec.Profile.Name})
}
