package storyline_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/storyline/storyline"
)

// TestPanicError: the error of a contained panic is testable with errors.Is
// however a stage wraps it, and says what the panic said.
func TestPanicError(t *testing.T) {
	err := fmt.Errorf("parse page %s: %w", "https://example.com/a", storyline.PanicError("index out of range [3]"))
	if !errors.Is(err, storyline.ErrPanic) || !strings.Contains(err.Error(), "index out of range [3]") {
		t.Errorf("PanicError wrapped = %v: want it to wrap ErrPanic and keep the panic's words", err)
	}
}
