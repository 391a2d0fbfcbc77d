package acctest

import "testing"

func TestServicesStart(t *testing.T) {
	m, err := StartMinIO()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	pg, err := StartPostgres()
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	if _, err := pg.CreateDatabase("x1"); err != nil {
		t.Fatal(err)
	}
	t.Log(m.Endpoint, pg.DSN)
}
