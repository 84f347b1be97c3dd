package kmeme

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorCodesAndMessages(t *testing.T) {
	t.Parallel()
	base := FieldError("title", "must be at most %d characters", 200)
	wrapped := fmt.Errorf("create node: %w", base)
	if ErrorCode(wrapped) != EINVALID || ErrorMessage(wrapped) != "title: must be at most 200 characters" {
		t.Errorf("wrapped field error: %q %q", ErrorCode(wrapped), ErrorMessage(wrapped))
	}
	plain := errors.New("connection reset by peer 10.0.0.3")
	if ErrorCode(plain) != EINTERNAL || ErrorMessage(plain) != "internal error" {
		t.Errorf("plain error leaks: %q", ErrorMessage(plain))
	}
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil error has a code")
	}
	cause := errors.New("disk full")
	e := &Error{Code: EUNAVAILABLE, Message: "storage is unavailable", Err: cause}
	if !errors.Is(e, cause) || !strings.Contains(e.Error(), "disk full") {
		t.Errorf("cause lost: %v", e)
	}
	if got := Errorf(ENOTFOUND, "no remix %s", "x").Error(); got != "no remix x" {
		t.Errorf("Errorf = %q", got)
	}
}

func TestNewNodeValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n     NewNode
		field string
	}{
		{NewNode{Title: "밈"}, ""},
		{NewNode{Title: strings.Repeat("가", MaxTitleLen)}, ""},
		{NewNode{Title: strings.Repeat("가", MaxTitleLen+1)}, "title"},
		{NewNode{Visibility: "secret"}, "visibility"},
		{NewNode{Location: &Location{Lat: 37.5, Lon: 181}}, "location.lon"},
		{NewNode{Location: &Location{Lat: -91, Lon: 0}}, "location.lat"},
	}
	for _, c := range cases {
		err := c.n.Validate()
		var e *Error
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: unexpected %v", c.n, err)
		case c.field != "" && (!errors.As(err, &e) || e.Field != c.field):
			t.Errorf("%+v: error %v, want field %s", c.n, err, c.field)
		}
	}
	for _, s := range []NodeStatus{StatusDraft, StatusQueued, StatusDone, StatusFailed} {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if NodeStatus("paused").Valid() {
		t.Error("unknown status valid")
	}
}

func TestVisibilityRules(t *testing.T) {
	t.Parallel()
	alice, bob := "a", "b"
	admin := &Caller{UserID: "root", Role: RoleAdmin}
	user := &Caller{UserID: alice, Role: RoleUser}
	cases := []struct {
		c          *Caller
		owner      *string
		vis        Visibility
		read, edit bool
	}{
		{nil, &alice, VisibilityPublic, true, false},
		{nil, &alice, VisibilityPrivate, false, false},
		{user, &alice, VisibilityPrivate, true, true},
		{user, &bob, VisibilityPrivate, false, false},
		{user, &bob, VisibilityPublic, true, false},
		{user, nil, VisibilityPrivate, false, false},
		{admin, &bob, VisibilityPrivate, true, true},
		{admin, nil, VisibilityPrivate, true, true},
	}
	for i, c := range cases {
		if got := CanRead(c.c, c.owner, c.vis); got != c.read {
			t.Errorf("case %d: CanRead = %v", i, got)
		}
		if got := CanChange(c.c, c.owner); got != c.edit {
			t.Errorf("case %d: CanChange = %v", i, got)
		}
	}
	ctx := WithCaller(context.Background(), user)
	if CallerFrom(ctx) != user || CallerFrom(context.Background()) != nil {
		t.Error("caller not carried by the context")
	}
}

func TestHasTempo(t *testing.T) {
	t.Parallel()
	bpm := 120.0
	if (&Analysis{Tempo: Tempo{BPM: &bpm}, Beats: []float64{0.5, 1}}).HasTempo() != true {
		t.Error("tempo with beats")
	}
	if (&Analysis{Tempo: Tempo{Reason: "speech only"}}).HasTempo() || (*Analysis)(nil).HasTempo() {
		t.Error("no tempo reported as tempo")
	}
}
