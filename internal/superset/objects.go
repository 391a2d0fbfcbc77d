package superset

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// Database is the connection view of a database (GET /database/{id}/connection),
// the only read that carries the (masked) URI and extra.
type Database struct {
	ID             int64  `json:"id"`
	UUID           string `json:"uuid"`
	DatabaseName   string `json:"database_name"`
	SQLAlchemyURI  string `json:"sqlalchemy_uri"`
	Extra          string `json:"extra"`
	ExposeInSQLLab bool   `json:"expose_in_sqllab"`
	AllowDML       bool   `json:"allow_dml"`
	AllowRunAsync  bool   `json:"allow_run_async"`
	Backend        string `json:"backend"`
	Driver         string `json:"driver"`
	// SSHTunnel is nil when the database connects directly.
	SSHTunnel *SSHTunnel `json:"ssh_tunnel"`
}

// SSHTunnel is a database's SSH tunnel as Superset shows it. Superset
// returns its password, private key and key passphrase only as the mask, so
// they are not decoded at all (and neither is masked_encrypted_extra): a
// mask never reaches the provider.
type SSHTunnel struct {
	ServerAddress string `json:"server_address"`
	ServerPort    int64  `json:"server_port"`
	Username      string `json:"username"`
}

// DatasetColumn is one column of a dataset.
type DatasetColumn struct {
	ID          int64   `json:"id,omitempty"`
	ColumnName  string  `json:"column_name"`
	Type        *string `json:"type,omitempty"`
	VerboseName *string `json:"verbose_name,omitempty"`
	Description *string `json:"description,omitempty"`
	Expression  *string `json:"expression,omitempty"`
	Filterable  *bool   `json:"filterable,omitempty"`
	GroupBy     *bool   `json:"groupby,omitempty"`
	IsDttm      *bool   `json:"is_dttm,omitempty"`
}

// DatasetMetric is one metric of a dataset.
type DatasetMetric struct {
	ID          int64   `json:"id,omitempty"`
	MetricName  string  `json:"metric_name"`
	Expression  string  `json:"expression"`
	MetricType  *string `json:"metric_type,omitempty"`
	VerboseName *string `json:"verbose_name,omitempty"`
	Description *string `json:"description,omitempty"`
	D3Format    *string `json:"d3format,omitempty"`
}

// Dataset is GET /dataset/{id}.
type Dataset struct {
	ID       int64 `json:"id"`
	Database struct {
		ID int64 `json:"id"`
	} `json:"database"`
	TableName   string          `json:"table_name"`
	Schema      *string         `json:"schema"`
	SQL         *string         `json:"sql"`
	Description *string         `json:"description"`
	Kind        string          `json:"kind"`
	UUID        string          `json:"uuid"`
	Columns     []DatasetColumn `json:"columns"`
	Metrics     []DatasetMetric `json:"metrics"`
}

// Chart is GET /chart/{id}.
type Chart struct {
	ID             int64   `json:"id"`
	SliceName      string  `json:"slice_name"`
	VizType        string  `json:"viz_type"`
	Params         *string `json:"params"`
	Description    *string `json:"description"`
	CacheTimeout   *int64  `json:"cache_timeout"`
	DatasourceID   int64   `json:"datasource_id"`
	DatasourceType string  `json:"datasource_type"`
	UUID           string  `json:"uuid"`
	URL            string  `json:"url"`
}

// Owner is an owner entry of a GET answer.
type Owner struct {
	ID int64 `json:"id"`
}

// Dashboard is GET /dashboard/{id}.
type Dashboard struct {
	ID             int64   `json:"id"`
	DashboardTitle string  `json:"dashboard_title"`
	Slug           *string `json:"slug"`
	PositionJSON   *string `json:"position_json"`
	JSONMetadata   *string `json:"json_metadata"`
	Published      bool    `json:"published"`
	Owners         []Owner `json:"owners"`
	UUID           string  `json:"uuid"`
	URL            string  `json:"url"`
}

// Collections of the REST API.
const (
	Databases  = "database"
	Datasets   = "dataset"
	Charts     = "chart"
	Dashboards = "dashboard"
)

// Create POSTs body to a collection and returns the new id.
func (c *Client) Create(ctx context.Context, collection string, body any) (int64, error) {
	var out struct {
		ID json.Number `json:"id"`
	}
	if err := c.Post(ctx, "/api/v1/"+collection+"/", body, &out); err != nil {
		return 0, err
	}
	id, err := out.ID.Int64()
	if err != nil {
		return 0, fmt.Errorf("superset %s create: no id in the answer", collection)
	}

	return id, nil
}

// Update PUTs body (only the fields to change) to an item.
func (c *Client) Update(ctx context.Context, collection string, id int64, body any) error {
	return c.Put(ctx, ItemPath(collection, id), body, nil)
}

// Remove deletes an item.
func (c *Client) Remove(ctx context.Context, collection string, id int64) error {
	return c.Delete(ctx, ItemPath(collection, id))
}

// ItemPath is /api/v1/<collection>/<id>, without a trailing slash.
func ItemPath(collection string, id int64) string {
	return "/api/v1/" + collection + "/" + strconv.FormatInt(id, 10)
}

func (c *Client) result(ctx context.Context, path string, out any) error {
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	if err := c.Get(ctx, path, &env); err != nil {
		return err
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return fmt.Errorf("decoding superset %s: %w", path, err)
	}

	return nil
}

// GetDatabase reads the connection view of a database.
func (c *Client) GetDatabase(ctx context.Context, id int64) (*Database, error) {
	var d Database
	if err := c.result(ctx, ItemPath(Databases, id)+"/connection", &d); err != nil {
		return nil, err
	}

	return &d, nil
}

// GetDataset reads a dataset with its columns and metrics.
func (c *Client) GetDataset(ctx context.Context, id int64) (*Dataset, error) {
	var d Dataset
	if err := c.result(ctx, ItemPath(Datasets, id), &d); err != nil {
		return nil, err
	}

	return &d, nil
}

// GetChart reads a chart.
func (c *Client) GetChart(ctx context.Context, id int64) (*Chart, error) {
	var ch Chart
	if err := c.result(ctx, ItemPath(Charts, id), &ch); err != nil {
		return nil, err
	}

	return &ch, nil
}

// GetDashboard reads a dashboard.
func (c *Client) GetDashboard(ctx context.Context, id int64) (*Dashboard, error) {
	var d Dashboard
	if err := c.result(ctx, ItemPath(Dashboards, id), &d); err != nil {
		return nil, err
	}

	return &d, nil
}

// DashboardChartIDs lists the ids of the charts a dashboard holds.
func (c *Client) DashboardChartIDs(ctx context.Context, id int64) ([]int64, error) {
	var charts []struct {
		ID int64 `json:"id"`
	}
	if err := c.result(ctx, ItemPath(Dashboards, id)+"/charts", &charts); err != nil {
		return nil, err
	}
	ids := make([]int64, len(charts))
	for i, ch := range charts {
		ids[i] = ch.ID
	}

	return ids, nil
}
