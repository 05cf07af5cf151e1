package cli

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"
)

// atLeast is an int flag that refuses values below min: "-parallel -5"
// is a mistake to report, not a wish to replace by the default.
type atLeast struct {
	p   *int
	min int
}

func intAtLeast(fs *flag.FlagSet, p *int, name string, value, min int, usage string) {
	*p = value
	fs.Var(&atLeast{p, min}, name, usage)
}

func (a *atLeast) String() string {
	if a.p == nil {
		return ""
	}
	return strconv.Itoa(*a.p)
}

func (a *atLeast) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not a whole number")
	}
	if n < a.min {
		return fmt.Errorf("want %d or more", a.min)
	}
	*a.p = n
	return nil
}

// durationAtLeast is a duration flag that refuses values below min (or, with
// above set, min itself).
type durationAtLeast struct {
	p     *time.Duration
	min   time.Duration
	above bool
}

func durationFlag(fs *flag.FlagSet, p *time.Duration, name string, value, min time.Duration, above bool, usage string) {
	*p = value
	fs.Var(&durationAtLeast{p, min, above}, name, usage)
}

func (d *durationAtLeast) String() string {
	if d.p == nil {
		return ""
	}
	return d.p.String()
}

func (d *durationAtLeast) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration such as 500ms or 10s")
	}
	switch {
	case d.above && v <= d.min:
		return fmt.Errorf("want more than %v", d.min)
	case v < d.min:
		return fmt.Errorf("want %v or more", d.min)
	}
	*d.p = v
	return nil
}
