package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"netcourt/models"
	"netcourt/models/testkit"
)

// Twenty concurrent submits with one Idempotency-Key make one filing and get one reply; the
// same key with another body is refused.
func TestSubmitIdempotentUnderConcurrency(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	p := f.Plaintiff(t)
	token := testkit.LoginAPI(t, e, p.Email, testkit.Password)
	ctx := context.Background()
	cats, infos := []string{"forced_consent"}, []string{"phone"}
	c, err := f.Store.CreateCase(ctx, p, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("某某科技有限公司"), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp("ecommerce"), Platform: sp("ShopApp"), Address: sp("北京市海淀区某路1号")},
		Categories: &cats, InfoTypes: &infos, Facts: sp("The app forced consent to location tracking at all times."),
		Requests: &models.RequestsInput{StopProcessing: bp(true)}, Declaration: bp(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	url := "/api/v1/cases/" + strconv.FormatInt(c.ID, 10) + "/submit"
	const n = 20
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		bodies  = map[string]int{}
		codes   = map[int]int{}
		release = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
			rec := testkit.Do(t, e, http.MethodPost, url, map[string]any{}, testkit.Bearer(token), testkit.Header("Idempotency-Key", "submit-once-7f3a"))
			mu.Lock()
			codes[rec.Code]++
			bodies[rec.Body.String()]++
			mu.Unlock()
		}()
	}
	close(release)
	wg.Wait()
	if codes[http.StatusOK] != n || len(bodies) != 1 {
		t.Fatalf("want %d identical 200 replies, got codes %v and %d distinct bodies: %v", n, codes, len(bodies), bodies)
	}
	events, err := f.Store.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Action != "submit" {
		t.Fatalf("want exactly one submit event, got %d", len(events))
	}
	var refs int64
	f.DB.Model(&models.Case{}).Where("reference IS NOT NULL").Count(&refs)
	if refs != 1 {
		t.Fatalf("%d references allocated", refs)
	}

	// A later retry with the same key still gets the first reply.
	rec := testkit.Do(t, e, http.MethodPost, url, map[string]any{}, testkit.Bearer(token), testkit.Header("Idempotency-Key", "submit-once-7f3a"))
	for b := range bodies {
		if rec.Code != http.StatusOK || rec.Body.String() != b {
			t.Fatalf("retry: %d %s", rec.Code, rec.Body)
		}
	}
	// The same key with a different body: 422, nothing done.
	rec = testkit.Do(t, e, http.MethodPost, url, map[string]any{"reason": "different"}, testkit.Bearer(token), testkit.Header("Idempotency-Key", "submit-once-7f3a"))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("reused key, other body: %d %s", rec.Code, rec.Body)
	}
	// The same key on another action of the case is also a different request.
	rec = testkit.Do(t, e, http.MethodPost, "/api/v1/cases/"+strconv.FormatInt(c.ID, 10)+"/withdraw", map[string]any{}, testkit.Bearer(token), testkit.Header("Idempotency-Key", "submit-once-7f3a"))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("reused key, other action: %d %s", rec.Code, rec.Body)
	}
	// Without a key a second submit is refused by the workflow (already submitted).
	rec = testkit.Do(t, e, http.MethodPost, url, map[string]any{}, testkit.Bearer(token))
	if rec.Code != http.StatusConflict {
		t.Fatalf("second submit without a key: %d", rec.Code)
	}
	// Keys are per user: another plaintiff's identical key does not see this reply.
	other := f.Plaintiff(t)
	rec = testkit.Do(t, e, http.MethodPost, url, map[string]any{}, testkit.Bearer(testkit.LoginAPI(t, e, other.Email, testkit.Password)), testkit.Header("Idempotency-Key", "submit-once-7f3a"))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("other user's key: %d %s", rec.Code, rec.Body)
	}
}
