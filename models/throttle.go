package models

import (
	"sync"
	"time"
)

// Login throttling limits guessing: a few failures lock one account for a while, and one
// client address gets a larger budget across all accounts. Counts live in memory, which is
// right for a single node; behind a load balancer each node applies the limits on its own.
const (
	throttleWindow     = 15 * time.Minute
	maxFailuresPerUser = 5
	maxFailuresPerIP   = 20
	throttleMaxEntries = 100_000
)

// LoginThrottle counts recent failed sign-ins per account and per client IP.
type LoginThrottle struct {
	mu    sync.Mutex
	byKey map[string][]time.Time
}

// NewLoginThrottle returns an empty throttle.
func NewLoginThrottle() *LoginThrottle {
	return &LoginThrottle{byKey: map[string][]time.Time{}}
}

func (t *LoginThrottle) recent(key string, now time.Time) []time.Time {
	ts := t.byKey[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= throttleWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(t.byKey, key)
	} else {
		t.byKey[key] = ts
	}
	return ts
}

// Allow reports whether another attempt for this account from this IP may be tried now.
func (t *LoginThrottle) Allow(email, ip string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent("u:"+email, now)) < maxFailuresPerUser && len(t.recent("ip:"+ip, now)) < maxFailuresPerIP
}

// Fail records a failed attempt.
func (t *LoginThrottle) Fail(email, ip string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.byKey) > throttleMaxEntries {
		// Under a flood of distinct keys, forget everything rather than grow without bound;
		// the per-IP limit still slows each source.
		t.byKey = map[string][]time.Time{}
	}
	for _, k := range []string{"u:" + email, "ip:" + ip} {
		t.byKey[k] = append(t.recent(k, now), now)
	}
}

// Succeed clears the account's failures after a correct password.
func (t *LoginThrottle) Succeed(email string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byKey, "u:"+email)
}
