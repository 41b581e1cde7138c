package interp

// FileError is fileError, for the tests.
var FileError = fileError
