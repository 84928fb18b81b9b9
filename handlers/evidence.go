package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// Evidence upload and download over HTTP. The bytes go from the request body straight into
// the store (which hashes, sniffs and caps them while writing to disk); nothing here holds a
// whole file in memory.

const (
	// maxFilesPerRequest caps how many files one upload request may carry (the page lets a
	// plaintiff pick several at once); each party's total is capped by the model.
	maxFilesPerRequest = 10
	// maxTextPartBytes caps a title or description part; they are the only parts buffered.
	maxTextPartBytes = 16 << 10
)

var errTooManyFilesInRequest = &models.Error{Kind: models.KindInvalid, Code: "validation_failed",
	Message: fmt.Sprintf("Upload at most %d files at a time.", maxFilesPerRequest),
	Fields:  map[string]string{"file": "filing.validation.too_many_files_request"}}

var errNoFile = &models.Error{Kind: models.KindInvalid, Code: "validation_failed",
	Message: "Choose a file to upload.", Fields: map[string]string{"file": "filing.validation.choose_file"}}

// uploader reads one multipart request and files each file part as evidence.
//
// Text parts (title, description) are small and buffered. File parts are streamed straight
// into Store.AddEvidence when the text came first, which is what browsers (fields in document
// order), the page's script and most clients send. A client that sends the file before its
// title (curl -F file=@x -F title=y) cannot be streamed straight, because the title is not
// known yet: such a file is spooled to a private temporary file (capped, never in memory) and
// filed when its text has arrived. Either way the temporary file is removed before the reply.
type uploader struct {
	s      *Server
	ctx    context.Context
	u      *models.User
	caseID int64

	title, desc string
	fresh       bool // text arrived since the last file used it
	textFirst   *bool
	files       int
	suffix      int

	pending *spooled
	added   []*models.Evidence
	buf     []byte
}

type spooled struct {
	f    *os.File
	name string
}

func (up *uploader) cleanup() {
	if up.pending != nil {
		up.pending.f.Close()
		os.Remove(up.pending.f.Name())
		up.pending = nil
	}
}

// undo removes what this request already filed when a later part fails, so a request either
// files everything or nothing. Only a draft's evidence can be removed; once the case is
// before the court each filing is permanent and was acknowledged in the case record.
func (up *uploader) undo() {
	for _, ev := range up.added {
		_ = up.s.store.RemoveEvidence(context.WithoutCancel(up.ctx), up.u, up.caseID, ev.ID)
	}
	up.added = nil
}

func (up *uploader) add(title, desc, name string, body io.Reader) error {
	ev, err := up.s.store.AddEvidence(up.ctx, up.u, up.caseID, models.EvidenceInput{
		Title: title, Description: desc, FileName: name, Body: body, MaxBytes: up.s.opts.MaxUploadBytes,
	})
	if err != nil {
		return err
	}
	up.added = append(up.added, ev)
	return nil
}

// flush files the spooled file with the text that followed it.
func (up *uploader) flush() error {
	p := up.pending
	if p == nil {
		return nil
	}
	defer up.cleanup()
	if _, err := p.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	err := up.add(up.title, up.desc, p.name, p.f)
	up.title, up.desc, up.fresh = "", "", false
	return err
}

func (up *uploader) file(part *multipart.Part) error {
	name := part.FileName()
	var body io.Reader = part
	if name == "" {
		// A browser sends an empty, nameless part when no file was chosen: skip it.
		var one [1]byte
		n, _ := io.ReadFull(part, one[:])
		if n == 0 {
			return nil
		}
		body = io.MultiReader(bytes.NewReader(one[:n]), part)
	}
	up.files++
	if up.files > maxFilesPerRequest {
		return errTooManyFilesInRequest
	}
	if up.textFirst == nil {
		tf := up.fresh
		up.textFirst = &tf
	}
	if *up.textFirst {
		title := up.title
		if up.fresh {
			up.suffix = 1
		} else if title != "" {
			up.suffix++
			title = fmt.Sprintf("%s (%d)", title, up.suffix)
		}
		up.fresh = false
		return up.add(title, up.desc, name, body)
	}
	if err := up.flush(); err != nil {
		return err
	}
	return up.spool(name, body)
}

func (up *uploader) spool(name string, body io.Reader) error {
	f, err := os.CreateTemp("", "netcourt-upload-*")
	if err != nil {
		return err
	}
	up.pending = &spooled{f: f, name: name}
	if up.buf == nil {
		up.buf = make([]byte, 32<<10)
	}
	max := up.s.opts.MaxUploadBytes
	n, err := io.CopyBuffer(f, io.LimitReader(body, max+1), up.buf)
	if err != nil {
		return err
	}
	if n > max {
		return fileTooLarge(max)
	}
	return nil
}

func fileTooLarge(max int64) error {
	e := models.WithMessage(models.ErrTooLarge, "Each file may be at most %d MiB.", max>>20)
	e.Args = []any{max >> 20}
	return e
}

func (up *uploader) text(part *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxTextPartBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxTextPartBytes {
		return "", models.Invalid(map[string]string{part.FormName(): "validation.too_long"})
	}
	return string(b), nil
}

// receiveEvidence streams every file in a multipart request into the case's evidence.
func (s *Server) receiveEvidence(c echo.Context, caseID int64) ([]*models.Evidence, error) {
	req := c.Request()
	ctx := req.Context()
	u := currentUser(c)
	mt, params, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEMultipartForm || params["boundary"] == "" {
		return nil, models.WithMessage(models.ErrUnsupportedType,
			"Send evidence as multipart/form-data with a part named \"file\" (and optional \"title\" and \"description\").")
	}
	// Refuse before reading a byte of a possibly large body: not visible (404), not a party
	// (403), the wrong stage (409) or the file limit reached (409).
	if err := s.store.CheckEvidenceAllowed(ctx, u, caseID); err != nil {
		return nil, err
	}
	if req.ContentLength > s.opts.MaxRequestBytes {
		return nil, models.WithMessage(models.ErrTooLarge, "One upload may be at most %d MiB in all.", s.opts.MaxRequestBytes>>20)
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, s.opts.MaxRequestBytes)
	mr := multipart.NewReader(req.Body, params["boundary"])
	up := &uploader{s: s, ctx: ctx, u: u, caseID: caseID}
	defer up.cleanup()
	fail := func(err error) ([]*models.Evidence, error) {
		up.cleanup()
		up.undo()
		return nil, uploadError(err, s.opts.MaxRequestBytes)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if !errors.As(err, &mbe) && ctx.Err() == nil {
				// Any other failure to find the next part is a malformed body (a bad boundary,
				// control characters in a part's headers, a body cut short).
				err = models.WithMessage(badRequest, "The multipart body could not be read.")
			}
			return fail(err)
		}
		switch name := part.FormName(); {
		case name == "file" || name == "files":
			err = up.file(part)
		case name == "title" || name == "description" || name == "evidence_title" || name == "evidence_description":
			// The page's inputs carry ids (and so names) of their own; the API uses the plain names.
			var v string
			if v, err = up.text(part); err == nil {
				if strings.HasSuffix(name, "title") {
					up.title = v
				} else {
					up.desc = v
				}
				up.fresh = true
			}
		default:
			// Other parts (the page's CSRF field) are read and dropped, within the request cap.
			_, err = io.Copy(io.Discard, part)
		}
		part.Close()
		if err != nil {
			return fail(err)
		}
	}
	if err := up.flush(); err != nil {
		return fail(err)
	}
	if len(up.added) == 0 {
		return nil, errNoFile
	}
	return up.added, nil
}

// uploadError turns transport errors into the domain errors the API and pages answer with.
func uploadError(err error, maxRequest int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return models.WithMessage(models.ErrTooLarge, "One upload may be at most %d MiB in all.", maxRequest>>20)
	}
	if models.KindOf(err) != 0 || errors.Is(err, context.Canceled) {
		return err
	}
	if strings.HasPrefix(err.Error(), "multipart:") || errors.Is(err, io.ErrUnexpectedEOF) {
		return models.WithMessage(badRequest, "The multipart body could not be read.")
	}
	return err
}

// apiUploadEvidence answers POST /api/v1/cases/{id}/evidence. One file gives
// {"evidence": {...}}; several files in one request also list all of them under "items".
func (s *Server) apiUploadEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	added, err := s.receiveEvidence(c, id)
	if err != nil {
		return err
	}
	out := map[string]any{"evidence": viewEvidence(*added[0])}
	if len(added) > 1 {
		items := make([]evidenceView, 0, len(added))
		for _, ev := range added {
			items = append(items, viewEvidence(*ev))
		}
		out["items"] = items
	}
	return c.JSON(http.StatusCreated, out)
}

// apiDeleteEvidence answers DELETE /api/v1/cases/{id}/evidence/{eid} (drafts only).
func (s *Server) apiDeleteEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	eid, err := pathID(c, "eid")
	if err != nil {
		return err
	}
	if err := s.store.RemoveEvidence(c.Request().Context(), currentUser(c), id, eid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// serveEvidence sends an evidence file to someone who may see the case: always as an
// attachment, with the type sniffed at filing, nosniff, and the filed SHA-256 so the
// recipient can check what they got.
func (s *Server) serveEvidence(c echo.Context) error {
	return s.sendEvidence(c, false)
}

// previewTypes may be shown inline: raster images only. PDFs, text, audio and video are
// downloaded, never rendered in the court's origin.
var previewTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true}

// previewEvidence serves an image inline for the case page's <img> preview.
func (s *Server) previewEvidence(c echo.Context) error {
	return s.sendEvidence(c, true)
}

func (s *Server) sendEvidence(c echo.Context, inline bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	eid, err := pathID(c, "eid")
	if err != nil {
		return err
	}
	f, err := s.store.OpenEvidence(c.Request().Context(), currentUser(c), id, eid, c.RealIP())
	if err != nil {
		return err
	}
	defer f.Body.Close()
	ev := f.Evidence
	h := c.Response().Header()
	if inline {
		if !previewTypes[ev.MediaType] {
			return models.ErrNotFound
		}
		h.Set("Content-Disposition", contentDisposition("inline", ev.FileName))
		// Even an image is given no power in the court's origin.
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	} else {
		h.Set("Content-Disposition", contentDisposition("attachment", ev.FileName))
	}
	h.Set(echo.HeaderContentType, ev.MediaType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Evidence-SHA256", ev.SHA256)
	h.Set("ETag", `"`+ev.SHA256+`"`)
	// ServeContent sets Content-Length, answers HEAD and Range requests (audio and video
	// players seek), and never sniffs because the type is already set.
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, f.Body)
	return nil
}

// contentDisposition builds an RFC 6266 header; mime.FormatMediaType switches to the RFC 5987
// filename* form for names that are not plain ASCII (most Chinese file names).
func contentDisposition(kind, name string) string {
	if v := mime.FormatMediaType(kind, map[string]string{"filename": name}); v != "" {
		return v
	}
	return kind
}
