package e2etest_test

import (
	"fmt"
	"net/http"
	"testing"
)

// journey is one run of the whole story through the pages, each person in their own tab.
type journey struct {
	p    *portal
	noJS bool
	tabs map[string]*tab

	plaintiffName  string
	plaintiffEmail string
	password       string
	clerkEmail     string
	judgeEmail     string
}

// step is one stage of the journey. Steps run in order, each as a subtest, and the journey
// stops at the first one that fails (later steps build on earlier ones).
type step struct {
	name string
	run  func(t *testing.T, j *journey)
}

// journeySteps is the story, in order. Each step leaves the case where the next expects it.
func journeySteps() []step {
	return []step{
		{"public home page in both languages", stepHome},
		{"plaintiff submits an empty registration form", stepRegisterEmpty},
		{"plaintiff registers", stepRegister},
		{"plaintiff signs out and in again", stepPlaintiffSignsIn},
		{"plaintiff reads account and inbox", stepAccountAndInbox},
		{"staff sign in", stepStaffSignIn},
	}
}

// TestJourney runs the journey with JavaScript on and with it off: the no-JS path must work.
func TestJourney(t *testing.T) {
	for _, noJS := range []bool{false, true} {
		name := "javascript"
		if noJS {
			name = "no-javascript"
		}
		t.Run(name, func(t *testing.T) { runJourney(t, noJS) })
	}
}

func runJourney(t *testing.T, noJS bool) {
	p := startPortal(t)
	j := &journey{p: p, noJS: noJS, tabs: map[string]*tab{},
		plaintiffName: "王小明", plaintiffEmail: "wang.xiaoming@example.test", password: "a long and private passphrase"}
	clerk, judge := p.F.Clerk(t), p.F.Judge(t)
	j.clerkEmail, j.judgeEmail = clerk.Email, judge.Email
	for _, role := range []string{"public", "plaintiff", "clerk", "judge", "defendant"} {
		j.tabs[role] = p.newTab(t, role, noJS)
	}
	for _, s := range journeySteps() {
		if !t.Run(s.name, func(t *testing.T) { s.run(t, j) }) {
			t.Fatalf("journey stopped at %q", s.name)
		}
	}
	// Every page each person saw, again in Chinese and in English. The DOM is the same with
	// scripts off (they only move focus), so the tour runs once, in the JavaScript run.
	if noJS {
		return
	}
	total := 0
	for _, role := range []string{"public", "plaintiff", "clerk", "judge", "defendant"} {
		b := j.tabs[role]
		if len(b.visited) == 0 {
			continue
		}
		t.Run("both languages for "+role, func(t *testing.T) { total += b.tour(t) })
	}
	t.Logf("journey: %d page loads in the language tour; %d distinct pages passed axe so far", total, checkedCount())
}

func stepHome(t *testing.T, j *journey) {
	b := j.tabs["public"]
	b.expectOpen(t, "/?lang=en", http.StatusOK)
	b.mustSee(t, msg("en", "home.heading"))
	b.expectOpen(t, "/?lang=zh", http.StatusOK)
	b.mustSee(t, msg("zh", "home.heading"))
	b.expectOpen(t, "/?lang=en", http.StatusOK)
}

func stepRegisterEmpty(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/register", http.StatusOK)
	checkErrorSummary(t, b, b.button("register.submit"), []string{"name", "email", "password"})
}

func stepRegister(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/register", http.StatusOK)
	b.fill(t, "name", j.plaintiffName)
	b.fill(t, "email", j.plaintiffEmail)
	b.fill(t, "phone", "13800138000")
	b.fill(t, "password", j.password)
	if st := b.submit(t, b.button("register.submit")); st != http.StatusOK {
		b.fatal(t, "register: status %d", st)
	}
	if got := b.path(t); got != "/account?welcome=1" {
		b.fatal(t, "after registering: at %s", got)
	}
	b.mustSee(t, j.plaintiffName, j.plaintiffEmail)
}

// signIn uses the sign-in form and checks where it lands.
func signIn(t *testing.T, b *tab, email, password, next string) {
	t.Helper()
	path := "/login"
	if next != "" {
		path += "?next=" + next
	}
	b.expectOpen(t, path, http.StatusOK)
	b.fill(t, "email", email)
	b.fill(t, "password", password)
	if st := b.submit(t, b.button("login.submit")); st != http.StatusOK {
		b.fatal(t, "sign in %s: status %d at %s", email, st, b.path(t))
	}
}

func signOut(t *testing.T, b *tab) {
	t.Helper()
	sel := fmt.Sprintf(`//header//button[normalize-space()=%s]`, xpathString(msg(b.lang, "nav.sign_out")))
	if st := b.submit(t, sel); st != http.StatusOK {
		b.fatal(t, "sign out: status %d", st)
	}
	if got := b.path(t); got != "/?signed_out=1" {
		b.fatal(t, "after signing out: at %s", got)
	}
}

func stepPlaintiffSignsIn(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	signOut(t, b)
	b.mustSee(t, msg(b.lang, "home.signed_out"))
	// A wrong password shows the error summary and no session.
	b.expectOpen(t, "/login", http.StatusOK)
	b.fill(t, "email", j.plaintiffEmail)
	b.fill(t, "password", "not the password at all")
	if st := b.submit(t, b.button("login.submit")); st != http.StatusUnauthorized {
		b.fatal(t, "wrong password: status %d", st)
	}
	b.mustSee(t, msg(b.lang, "form.error_summary"))
	signIn(t, b, j.plaintiffEmail, j.password, "/account")
	if got := b.path(t); got != "/account" {
		b.fatal(t, "after signing in: at %s", got)
	}
}

func stepAccountAndInbox(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/account", http.StatusOK)
	b.mustSee(t, msg(b.lang, "account.heading"), j.plaintiffName)
	b.expectOpen(t, "/inbox", http.StatusOK)
	b.mustSee(t, msg(b.lang, "inbox.heading"))
}

func stepStaffSignIn(t *testing.T, j *journey) {
	for role, email := range map[string]string{"clerk": j.clerkEmail, "judge": j.judgeEmail} {
		b := j.tabs[role]
		signIn(t, b, email, "correct horse battery staple", "/account")
		b.mustSee(t, msg(b.lang, "role."+role))
		b.expectOpen(t, "/inbox", http.StatusOK)
	}
}
