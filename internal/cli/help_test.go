package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command, the root included, has a description and worked examples
// in its --help.
func TestHelpHasExamplesEverywhere(t *testing.T) {
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		seen++
		if c.Long == "" || !strings.Contains(c.Example, "lakehouse-runner ") {
			t.Errorf("%q: --help needs a description and examples", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRoot())
	if seen < 6 {
		t.Fatalf("walked %d commands; want the root and validate, check, deid, load, submit", seen)
	}
	for _, args := range [][]string{{"--help"}, {"deid", "--help"}, {"submit", "--help"}} {
		var out, errb bytes.Buffer
		if code := Execute(context.Background(), args, &out, &errb); code != ExitOK || !strings.Contains(out.String(), "Examples:") {
			t.Errorf("%v: exit %d, no Examples section:\n%s%s", args, code, out.String(), errb.String())
		}
	}
}
