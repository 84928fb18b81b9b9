package models

import (
	"errors"
	"fmt"
)

// Kind says how a domain error should be answered; handlers map each kind to one HTTP status
// in one place, so models never mention HTTP.
type Kind int

const (
	KindInvalid         Kind = iota + 1 // input failed validation (422)
	KindBadRequest                      // malformed request (400)
	KindUnauthorized                    // not signed in / bad credentials (401)
	KindForbidden                       // signed in, but the role may not (403)
	KindNotFound                        // absent, or not the caller's to see (404)
	KindConflict                        // illegal transition or lost race (409)
	KindTooLarge                        // over a size cap (413)
	KindUnsupportedType                 // file type not on the allow-list (415)
	KindTooManyRequests                 // throttled (429)
)

// Error is a domain error with a stable snake_case code. Message is English text safe to show
// to the caller; Fields maps a field name to a message key from the i18n catalogs (for example
// "validation.required") so pages can show it in the reader's language and the API in English.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  map[string]string
	// Args fill %s-style placeholders in a translated message (for example the allowed types).
	Args []any
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return e.Code + ": " + e.Message
}

// Is makes errors.Is(err, ErrNotFound) match any error of the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinel errors. Compare with errors.Is; wrap with WithMessage for a specific message.
var (
	ErrNotFound        = &Error{Kind: KindNotFound, Code: "not_found", Message: "Not found."}
	ErrForbidden       = &Error{Kind: KindForbidden, Code: "forbidden", Message: "You may not do that."}
	ErrUnauthorized    = &Error{Kind: KindUnauthorized, Code: "unauthorized", Message: "Sign in to continue."}
	ErrBadCredentials  = &Error{Kind: KindUnauthorized, Code: "invalid_credentials", Message: "Email or password is not right."}
	ErrConflict        = &Error{Kind: KindConflict, Code: "conflict", Message: "Someone else changed this first. Reload and try again."}
	ErrIllegalAction   = &Error{Kind: KindConflict, Code: "illegal_transition", Message: "That action is not allowed in the case's current state."}
	ErrDuplicate       = &Error{Kind: KindConflict, Code: "duplicate", Message: "That already exists."}
	ErrTooLarge        = &Error{Kind: KindTooLarge, Code: "too_large", Message: "The upload is too large."}
	ErrUnsupportedType = &Error{Kind: KindUnsupportedType, Code: "unsupported_media_type", Message: "That file type is not allowed."}
	ErrThrottled       = &Error{Kind: KindTooManyRequests, Code: "too_many_attempts", Message: "Too many attempts. Wait a few minutes and try again."}
)

// WithMessage returns a copy of a sentinel with a more specific message.
func WithMessage(base *Error, msg string, args ...any) *Error {
	c := *base
	c.Message = fmt.Sprintf(msg, args...)
	return &c
}

// Invalid builds a validation error from field → message-key pairs.
func Invalid(fields map[string]string) *Error {
	return &Error{Kind: KindInvalid, Code: "validation_failed", Message: "Some answers need correcting.", Fields: fields}
}

// KindOf reports the kind of a domain error, or 0 for anything else (an internal error).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
