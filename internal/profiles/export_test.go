package profiles

// QuickProfileDecides reports whether the quick path decides data, for the tests of
// package profiles_test.
func QuickProfileDecides(data []byte) bool {
	_, ok := quickProfile(data)
	return ok
}
