package accesspolicy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/minioadmin"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// enforcer applies and reads back one policy at every enforcement point.
// Clients are built on first use, so a policy that compiles to nothing for
// Dremio never needs the dremio block.
type enforcer struct {
	data   *providerdata.Data
	action string
	name   string
	// warnings are what a read could not do and the user should know.
	warnings []warning
}

type warning struct{ summary, detail string }

// stepError says which enforcement point failed and what to do.
type stepError struct {
	what, todo string
	err        error
}

func (e *stepError) Error() string { return e.what + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func step(what, todo string, err error) error {
	if err == nil {
		return nil
	}

	return &stepError{what, todo, err}
}

func (r *accessPolicyResource) enforcer(d *diag.Diagnostics, action, name string) *enforcer {
	if r.data == nil {
		diags.AddError(d, action, typeName, name, "The provider was not configured before this call.",
			"This is a bug in the provider; please report it.", nil)

		return nil
	}

	return &enforcer{data: r.data, action: action, name: name}
}

func (e *enforcer) fail(d *diag.Diagnostics, err error) {
	var se *stepError
	var nc *providerdata.NotConfiguredError
	switch {
	case errors.As(err, &nc):
		diags.AddError(d, e.action, typeName, e.name, "The policy compiles to an enforcement point the provider has no settings for.", nc.Error(), nil)
	case errors.As(err, &se):
		diags.AddError(d, e.action, typeName, e.name, se.what, se.todo, se.err)
	default:
		diags.AddError(d, e.action, typeName, e.name, "Enforcing the access policy failed.", "", err)
	}
}

func (e *enforcer) s3() (*minio.Client, error) { return objectstore.FromData(e.data) }

func (e *enforcer) admin() (*minioadmin.Client, error) { return minioadmin.FromData(e.data) }

func (e *enforcer) dremio() (*dremio.Client, error) { return dremio.FromData(e.data) }

// apply moves the servers from what prior holds to what plan holds; a nil
// prior is a create, a nil plan a delete. New grants go in before old ones
// are taken away, so an update never leaves a gap in access.
func (e *enforcer) apply(ctx context.Context, prior, plan *accessPolicyResourceModel) error {
	var empty accessPolicyResourceModel
	if prior == nil {
		prior = &empty
	}
	if err := e.applyMinIO(ctx, prior, plan); err != nil {
		return err
	}
	if err := e.applyS3(ctx, prior, plan); err != nil {
		return err
	}
	if err := e.applyDremio(ctx, prior, plan); err != nil {
		return err
	}

	return e.applyDocument(ctx, prior, plan)
}

func (e *enforcer) applyMinIO(ctx context.Context, prior, plan *accessPolicyResourceModel) error {
	old := stateMinIO(ctx, prior.MinIOPolicies)
	want := map[string]minioEntry{}
	if plan != nil {
		want = stateMinIO(ctx, plan.MinIOPolicies)
	}
	if len(old) == 0 && len(want) == 0 {
		return nil
	}
	c, err := e.admin()
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(want) {
		b := want[name]
		tflog.Debug(ctx, "putting minio policy", map[string]any{"lakehouse.minio.policy": name, "lakehouse.minio.principal": b.Principal})
		if err := c.PutPolicy(ctx, name, b.Policy); err != nil {
			return step(fmt.Sprintf("MinIO refused the canned policy %q.", name), "Check that the s3 credentials may administer IAM (MinIO admin:* actions).", err)
		}
		if b.PrincipalType == ap.IdPPrincipalType {
			continue // applied through tokens, attached to nobody
		}
		if err := c.Attach(ctx, name, b.PrincipalType, b.Principal); err != nil {
			return step(fmt.Sprintf("Attaching the canned policy %q to %s %q failed.", name, b.PrincipalType, b.Principal),
				"MinIO attaches policies only to existing users and groups: create the user or group first (or fix principals[].name).", err)
		}
	}
	for _, name := range sortedKeys(old) {
		o := old[name]
		if n, ok := want[name]; ok && n.Principal == o.Principal && n.PrincipalType == o.PrincipalType {
			continue
		}
		if o.PrincipalType != ap.IdPPrincipalType { // an openid policy is attached to nobody
			if err := c.Detach(ctx, name, o.PrincipalType, o.Principal); err != nil && !minioadmin.IsNotFound(err) {
				return step(fmt.Sprintf("Detaching the canned policy %q from %s %q failed.", name, o.PrincipalType, o.Principal), "", err)
			}
		}
		if _, keep := want[name]; keep {
			continue
		}
		if err := c.DeletePolicy(ctx, name); err != nil {
			return step(fmt.Sprintf("Removing the canned policy %q failed.", name), "", err)
		}
	}

	return nil
}

func (e *enforcer) applyS3(ctx context.Context, prior, plan *accessPolicyResourceModel) error {
	old := stateStrings(prior.S3Statements)
	want := map[string]string{}
	if plan != nil {
		want = stateStrings(plan.S3Statements)
	}
	buckets := sortedKeys(want)
	for b := range old {
		if _, ok := want[b]; !ok {
			buckets = append(buckets, b)
		}
	}
	if len(buckets) == 0 {
		return nil
	}
	c, err := e.s3()
	if err != nil {
		return err
	}
	for _, bucket := range buckets {
		_, creating := want[bucket]
		err := objectstore.RetryNoSuchBucket(ctx, func(ctx context.Context) error {
			return e.mergeBucket(ctx, c, bucket, want[bucket])
		})
		if objectstore.IsNoSuchBucket(err) && !creating {
			continue // the bucket is gone, and with it our statements
		}
		if err != nil {
			return step(fmt.Sprintf("Updating the bucket policy of %q failed.", bucket),
				"Check that the bucket exists and that the s3 credentials may read and write its policy.", err)
		}
	}

	return nil
}

// mergeBucket is a read-modify-write of one bucket policy that replaces
// only the statements this policy owns (C21: never others'). A writer
// outside this process can still interleave, so the result is read back
// and the merge repeated until our statements are there as written.
func (e *enforcer) mergeBucket(ctx context.Context, c *minio.Client, bucket, owned string) error {
	// Terraform applies resources in parallel; two owners of statements in
	// one bucket policy would otherwise lose each other's.
	defer objectstore.LockBucketPolicy(c, bucket)()
	for attempt := 1; ; attempt++ {
		if err := e.mergeOnce(ctx, c, bucket, owned); err != nil {
			return err
		}
		existing, err := c.GetBucketPolicy(ctx, bucket)
		if err != nil && !objectstore.IsAbsentConfig(err) {
			return err
		}
		got, err := ap.OwnedStatements(existing, e.name)
		if err != nil {
			return err
		}
		if got == "" && owned == "" || got != "" && owned != "" && policydoc.Equal(got, owned) {
			return nil
		}
		if attempt == 3 {
			return fmt.Errorf("the bucket policy of %s kept changing while it was written (another writer?)", bucket)
		}
		tflog.Debug(ctx, "bucket policy changed under us, merging again", map[string]any{"lakehouse.s3.bucket": bucket})
	}
}

func (e *enforcer) mergeOnce(ctx context.Context, c *minio.Client, bucket, owned string) error {
	existing, err := c.GetBucketPolicy(ctx, bucket)
	if err != nil && !objectstore.IsAbsentConfig(err) {
		return err
	}
	merged, err := ap.MergeBucketPolicy(existing, e.name, owned)
	if err != nil {
		return err
	}
	if merged == "" && existing == "" || merged != "" && policydoc.Equal(merged, existing) {
		return nil
	}
	tflog.Debug(ctx, "writing bucket policy statements", map[string]any{"lakehouse.s3.bucket": bucket, "lakehouse.policy": e.name})

	return c.SetBucketPolicy(ctx, bucket, merged)
}

func (e *enforcer) applyDremio(ctx context.Context, prior, plan *accessPolicyResourceModel) error {
	old := stateList(ctx, prior.DremioGrants)
	var want []string
	if plan != nil {
		want = stateList(ctx, plan.DremioGrants)
	}
	var stmts []string
	for _, g := range want {
		if !slices.Contains(old, g) {
			stmts = append(stmts, g)
		}
	}
	for _, g := range old {
		if slices.Contains(want, g) {
			continue
		}
		parsed, err := ap.ParseGrantSQL(g)
		if err != nil {
			return step("A grant in the state cannot be read back.", "This is a bug in the provider; please report it.", err)
		}
		stmts = append(stmts, parsed.RevokeSQL())
	}
	if len(stmts) == 0 {
		return nil
	}
	c, err := e.dremio()
	if err != nil {
		return err
	}
	for _, s := range stmts {
		tflog.Debug(ctx, "dremio grant change", map[string]any{"lakehouse.dremio.sql": s})
		if _, err := c.RunSQL(ctx, s); err != nil {
			return step(fmt.Sprintf("Dremio refused %q.", s),
				"GRANT and REVOKE need Dremio Enterprise (or Cloud) and a user with MANAGE GRANTS; check that the role or user exists.", err)
		}
	}

	return nil
}

func (e *enforcer) applyDocument(ctx context.Context, prior, plan *accessPolicyResourceModel) error {
	oldBucket, oldKey := prior.DocumentBucket.ValueString(), prior.DocumentKey.ValueString()
	var newBucket, newKey string
	if plan != nil {
		newBucket, newKey = plan.DocumentBucket.ValueString(), plan.DocumentKey.ValueString()
	}
	if oldBucket == "" && newBucket == "" {
		return nil
	}
	c, err := e.s3()
	if err != nil {
		return err
	}
	if newBucket != "" {
		doc := plan.Document.ValueString()
		err := objectstore.RetryNoSuchBucket(ctx, func(ctx context.Context) error {
			_, err := c.PutObject(ctx, newBucket, newKey, strings.NewReader(doc), int64(len(doc)),
				minio.PutObjectOptions{ContentType: "application/json"})

			return err
		})
		if err != nil {
			return step(fmt.Sprintf("Storing the policy document at s3://%s/%s failed.", newBucket, newKey), "Check that document_bucket exists.", err)
		}
	}
	if oldBucket != "" && (oldBucket != newBucket || oldKey != newKey) {
		err := c.RemoveObject(ctx, oldBucket, oldKey, minio.RemoveObjectOptions{})
		if err != nil && !objectstore.IsNotFound(err) && !objectstore.IsNoSuchBucket(err) {
			return step(fmt.Sprintf("Removing the old policy document s3://%s/%s failed.", oldBucket, oldKey), "", err)
		}
	}

	return nil
}

// read refreshes the compiled attributes from the servers. It reports gone
// when the state recorded something and none of it exists any more.
func (e *enforcer) read(ctx context.Context, st *accessPolicyResourceModel) (bool, error) {
	if st.Rules == nil && !st.DocumentBucket.IsNull() {
		if err := e.loadForImport(ctx, st); err != nil {
			return false, err
		}
	}
	had, found := 0, 0
	n, f, err := e.readMinIO(ctx, st)
	if err != nil {
		return false, err
	}
	had, found = had+n, found+f
	if n, f, err = e.readS3(ctx, st); err != nil {
		return false, err
	}
	had, found = had+n, found+f
	if n, f, err = e.readDocument(ctx, st); err != nil {
		return false, err
	}
	had, found = had+n, found+f
	if err := e.readDremio(ctx, st); err != nil {
		return false, err
	}

	return had > 0 && found == 0, nil
}

// loadForImport reads the stored document and derives what the servers
// should hold, so the reads below know which objects to look at.
func (e *enforcer) loadForImport(ctx context.Context, st *accessPolicyResourceModel) error {
	key := DocumentKey(st.Name.ValueString())
	doc, err := e.getDocument(ctx, st.DocumentBucket.ValueString(), key)
	if err != nil {
		return err
	}
	if doc == "" {
		return step(fmt.Sprintf("No policy document at s3://%s/%s.", st.DocumentBucket.ValueString(), key),
			"Check the import id: <document_bucket>/<policy name>.", errors.New("not found"))
	}
	p, err := ap.ParseDocument(doc)
	if err != nil {
		return step("The stored policy document is not valid.", "", err)
	}
	st.setPolicy(p)
	c, err := compile(st)
	if err != nil {
		return step("The stored policy document is not valid.", "", err)
	}
	st.Document, st.DocumentKey = types.StringValue(doc), types.StringValue(key)
	st.S3Statements = s3Map(c.s3, nil)
	st.MinIOPolicies = mustMap(minioMap(c.minio, nil, true))
	// A start for readDremio, which replaces it with what Dremio holds
	// (or keeps it where the edition cannot list grants).
	st.DremioGrants = types.ListNull(types.StringType)
	if c.dremio != nil {
		st.DremioGrants = listOf(c.dremio)
	}

	return nil
}

func (e *enforcer) readMinIO(ctx context.Context, st *accessPolicyResourceModel) (had, found int, err error) {
	entries := stateMinIO(ctx, st.MinIOPolicies)
	if len(entries) == 0 {
		return 0, 0, nil
	}
	c, err := e.admin()
	if err != nil {
		return 0, 0, err
	}
	for name, ent := range entries {
		remote, err := c.GetPolicy(ctx, name)
		if minioadmin.IsNotFound(err) {
			delete(entries, name)

			continue
		}
		if err != nil {
			return 0, 0, step(fmt.Sprintf("Reading the canned policy %q failed.", name), "", err)
		}
		if !policydoc.Equal(remote, ent.Policy) {
			ent.Policy = remote
		}
		if ent.PrincipalType == ap.IdPPrincipalType {
			ent.Attached = true // nothing to attach: tokens name it
			entries[name] = ent

			continue
		}
		attached, err := c.Attached(ctx, ent.PrincipalType, ent.Principal)
		if err != nil && !minioadmin.IsNotFound(err) {
			return 0, 0, step(fmt.Sprintf("Reading the policies of %s %q failed.", ent.PrincipalType, ent.Principal), "", err)
		}
		ent.Attached = slices.Contains(attached, name)
		entries[name] = ent
	}
	had, found = len(stateMinIO(ctx, st.MinIOPolicies)), len(entries)
	st.MinIOPolicies = fromMinIOEntries(entries)

	return had, found, nil
}

func (e *enforcer) readS3(ctx context.Context, st *accessPolicyResourceModel) (had, found int, err error) {
	docs := stateStrings(st.S3Statements)
	if len(docs) == 0 {
		return 0, 0, nil
	}
	had = len(docs)
	c, err := e.s3()
	if err != nil {
		return 0, 0, err
	}
	for bucket, mine := range docs {
		existing, err := c.GetBucketPolicy(ctx, bucket)
		if err != nil && !objectstore.IsAbsentConfig(err) && !objectstore.IsNoSuchBucket(err) {
			return 0, 0, step(fmt.Sprintf("Reading the bucket policy of %q failed.", bucket), "", err)
		}
		owned, err := ap.OwnedStatements(existing, e.name)
		if err != nil {
			return 0, 0, step(fmt.Sprintf("The bucket policy of %q cannot be parsed.", bucket), "", err)
		}
		switch {
		case owned == "":
			delete(docs, bucket)
		case !policydoc.Equal(owned, mine):
			docs[bucket] = owned
		}
	}
	st.S3Statements = s3Map(docs, nil)

	return had, len(docs), nil
}

func (e *enforcer) readDocument(ctx context.Context, st *accessPolicyResourceModel) (had, found int, err error) {
	bucket := st.DocumentBucket.ValueString()
	if bucket == "" || st.DocumentKey.ValueString() == "" {
		return 0, 0, nil
	}
	doc, err := e.getDocument(ctx, bucket, st.DocumentKey.ValueString())
	if err != nil {
		return 0, 0, err
	}
	if doc == "" {
		// The next plan writes it again.
		st.DocumentKey = types.StringNull()

		return 1, 0, nil
	}
	if !policydoc.Equal(doc, st.Document.ValueString()) {
		st.Document = types.StringValue(doc)
	}

	return 1, 1, nil
}

// getDocument returns the stored document, or "" when it does not exist.
func (e *enforcer) getDocument(ctx context.Context, bucket, key string) (string, error) {
	c, err := e.s3()
	if err != nil {
		return "", err
	}
	obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err == nil {
		defer func() { _ = obj.Close() }() // read-only
		var b []byte
		b, err = io.ReadAll(io.LimitReader(obj, 16<<20))
		if err == nil {
			return string(b), nil
		}
	}
	if objectstore.IsNotFound(err) || objectstore.IsNoSuchBucket(err) {
		return "", nil
	}

	return "", step(fmt.Sprintf("Reading the policy document s3://%s/%s failed.", bucket, key), "", err)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)

	return out
}
