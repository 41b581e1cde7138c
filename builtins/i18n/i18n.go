// Package i18n holds every text netstar itself says (banners, usage,
// hints, notes, its own errors) in English and Spanish, and picks the
// language from the environment as POSIX programs do: the first
// non-empty of LC_ALL, LC_MESSAGES and LANG. A value starting with "es"
// (es, es_ES.UTF-8, es_MX@euro...) gives Spanish; anything else (unset,
// C, POSIX, en_US...) gives English, the default.
//
// Python's own exception texts are not here: they stay as Python prints
// them, so that students can compare netstar's errors with Python's.
//
// The catalogue is the table in catalog.go, written to be read and
// extended by a translator. A message is looked up by its key and
// formatted with fmt's verbs, not with golang.org/x/text/message's
// printer: that printer groups digits by locale (12345 becomes
// "12.345" in Spanish), and a port or a line number must print as the
// student typed it.
//
// The package knows nothing of Starlark, so every layer above the
// engines (the interpreter, the builtins, the REPL, the commands) may
// use it.
package i18n

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language of the catalogue.
type Lang int

// The catalogue's languages. English is the zero value and the default.
const (
	English Lang = iota
	Spanish
)

// String returns the language's BCP 47 tag ("en", "es"), or
// "Lang(N)" for a value that is not one of the catalogue's.
func (l Lang) String() string {
	if l < 0 || int(l) >= len(tags) {
		return fmt.Sprintf("Lang(%d)", int(l))
	}
	return tags[l].String()
}

// tags are the catalogue's languages as BCP 47 tags, by Lang.
var tags = [...]language.Tag{English: language.English, Spanish: language.Spanish}

// matcher picks one of tags for a locale's language; English first, so
// that it is the fallback.
var matcher = language.NewMatcher(tags[:])

// FromEnv returns the language the environment asks for, read with
// getenv: the first non-empty of LC_ALL, LC_MESSAGES and LANG, as POSIX
// defines their precedence.
func FromEnv(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return FromLocale(v)
		}
	}
	return English
}

// FromLocale returns the catalogue's language for a POSIX locale name
// such as "es_ES.UTF-8", "es_AR@euro", "en_US" or "C". A name that is
// not a language (C, POSIX, garbage) or a language the catalogue lacks
// gives English.
func FromLocale(locale string) Lang {
	// language[_territory][.codeset][@modifier]: BCP 47 knows only the
	// first two, with a hyphen.
	name, _, _ := strings.Cut(locale, "@")
	name, _, _ = strings.Cut(name, ".")
	name = strings.ReplaceAll(name, "_", "-")
	if name == "" || name == "C" || name == "POSIX" {
		return English
	}
	tag, err := language.Parse(name)
	if err != nil {
		return English
	}
	_, i, conf := matcher.Match(tag)
	if conf < language.High {
		return English
	}
	return Lang(i)
}

// Current returns the process's language, from its environment. It is
// read at every call (the cost of three getenv), so that a test's
// t.Setenv takes effect.
func Current() Lang {
	return FromEnv(os.Getenv)
}

// T returns the message key in the process's language, formatted with
// args as fmt.Sprintf does.
func T(key string, args ...any) string {
	return Current().T(key, args...)
}

// T returns the message key in l, formatted with args as fmt.Sprintf
// does. A message l lacks is taken from English; an unknown key returns
// the key itself and its arguments, so that the omission shows instead
// of an empty line (the package's test checks that every key used in
// the repository exists).
func (l Lang) T(key string, args ...any) string {
	e, ok := catalog[key]
	if !ok {
		if len(args) == 0 {
			return key
		}
		return key + fmt.Sprint(args...)
	}
	format := e[English]
	if l >= 0 && int(l) < len(e) && e[l] != "" {
		format = e[l]
	}
	return fmt.Sprintf(format, args...)
}

// Keys returns the catalogue's keys, in no particular order.
func Keys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	return keys
}

// Has reports whether key is in the catalogue with a text for l.
func Has(key string, l Lang) bool {
	e, ok := catalog[key]
	return ok && e[l] != ""
}
