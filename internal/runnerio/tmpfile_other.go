//go:build !linux

package runnerio

import (
	"errors"
	"os"
)

func createAnonymous(string) (*os.File, error) { return nil, errors.ErrUnsupported }

func linkAnonymous(*os.File, string) error { return errors.ErrUnsupported }
