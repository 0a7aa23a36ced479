package httpapi

import (
	"log/slog"
	"regexp"
	"strings"
)

// redacted replaces a secret in a log line.
const redacted = "[REDACTED]"

// secretHeader matches the value of a header that carries a secret, in any
// form a log line may hold it: a raw head ("Authorization: Bearer k\r\n"),
// a quoted one (fasthttp quotes heads with %q, so the line ends in a
// literal `\r\n`), or a JSON string. The value runs to the end of the line,
// a quote or an escaped line break.
var secretHeader = regexp.MustCompile(`(?i)((?:authorization|idempotency-key)["']?\s*[:=]\s*["']?)(?:[^\r\n"'\\]|\\[^rn"])*`)

// bearerToken matches a bearer credential wherever it appears, even without
// its header name (a folded header puts it on a line of its own).
var bearerToken = regexp.MustCompile(`(?i)(bearer\s+)[^\s"'\\]+`)

// RedactSecrets returns s with the values of Authorization and
// Idempotency-Key headers, and any bearer token, replaced by [REDACTED].
// Every log path of the server goes through it: a key in a log file is a
// leaked key.
func RedactSecrets(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	s = secretHeader.ReplaceAllString(s, "${1}"+redacted)
	return bearerToken.ReplaceAllString(s, "${1}"+redacted)
}

// secretWords are the words without which neither pattern can match.
var secretWords = []string{"authorization", "idempotency-key", "bearer"}

// mayHoldSecret reports whether s contains one of secretWords (any case).
// Every access line passes through RedactSecrets, and the regular
// expressions cost tens of microseconds per string; this scan costs a few
// nanoseconds per byte and lets almost every line skip them.
func mayHoldSecret(s string) bool {
	for i := 0; i+len("bearer") <= len(s); i++ {
		switch s[i] | 0x20 { // ASCII lower case
		case 'a', 'i', 'b':
			for _, w := range secretWords {
				if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
					return true
				}
			}
		}
	}
	return false
}

// ReplaceSecretAttr is a slog.HandlerOptions.ReplaceAttr that passes every
// string attribute through RedactSecrets, so that no log line (fasthttp's
// own messages, panics, error causes) can carry a key.
func ReplaceSecretAttr(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindString {
		if s := a.Value.String(); len(s) >= 6 {
			if r := RedactSecrets(s); r != s {
				a.Value = slog.StringValue(r)
			}
		}
	}
	return a
}
