package labelstudio

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Tag families of the Label Studio labeling interface. Object tags show the
// data, control tags produce annotations on an object named by toName, and
// the rest arrange the page or are children of a control.
var (
	ObjectTags = []string{
		"Audio", "AudioPlus", "Chat", "HTML", "HyperText", "Image", "List", "Markdown", "Object3D",
		"Paragraphs", "Pdf", "Table", "Text", "TimeSeries", "Video",
	}
	ControlTags = []string{
		"Bitmask", "BitmaskLabels", "Brush", "BrushLabels", "Choices", "Cube", "CubeLabels", "DateTime", "Ellipse",
		"EllipseLabels", "HyperTextLabels", "KeyPoint", "KeyPointLabels", "Labels", "MagicWand",
		"Number", "Pairwise", "ParagraphLabels", "Polygon", "PolygonLabels", "Ranker", "Rating",
		"Rectangle", "RectangleLabels", "Taxonomy", "TextArea", "TimelineLabels", "TimeSeriesLabels",
		"Vector", "VectorLabels", "VideoRectangle", "VideoVector", "VideoVectorLabels",
	}
	otherTags = []string{
		"Bucket", "Channel", "Choice", "Collapse", "Filter", "Header", "Label", "Relation",
		"ReactCode", "Relations", "Repeater", "Shortcut", "Style", "View",
	}
)

func setOf(lists ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, s := range l {
			m[s] = true
		}
	}

	return m
}

var (
	objectSet  = setOf(ObjectTags)
	controlSet = setOf(ControlTags)
	knownSet   = setOf(ObjectTags, ControlTags, otherTags)
)

// LabelConfigProblem is one finding of CheckLabelConfig, with the 1-based
// line of the element concerned (0 when the document does not parse).
type LabelConfigProblem struct {
	Line    int
	Message string
}

func (p LabelConfigProblem) String() string {
	if p.Line == 0 {
		return p.Message
	}

	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

type xmlNode struct {
	Name     string
	Attrs    map[string]string
	Children []*xmlNode
	Text     string // trimmed character data directly inside the element
	Line     int
}

// parseXML reads a single-rooted XML document into a tree, with line numbers.
func parseXML(doc string) (*xmlNode, error) {
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	var root *xmlNode
	var stack []*xmlNode
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{Name: t.Name.Local, Attrs: map[string]string{}, Line: line}
			for _, a := range t.Attr {
				n.Attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("the document has more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			s := strings.TrimSpace(string(t))
			if s == "" {
				continue
			}
			if len(stack) == 0 {
				return nil, errors.New("text outside the root element")
			}
			cur := stack[len(stack)-1]
			if cur.Text != "" {
				cur.Text += " "
			}
			cur.Text += s
		}
	}
	if root == nil {
		return nil, errors.New("the document has no root element")
	}

	return root, nil
}

func (n *xmlNode) walk(f func(*xmlNode)) {
	f(n)
	for _, c := range n.Children {
		c.walk(f)
	}
}

// CheckLabelConfig runs the checks that need no server: the XML parses, the
// root is <View>, every tag is known, names are unique, and every control
// tag is bound by toName to an object tag that exists. It returns nothing
// for a valid config.
func CheckLabelConfig(doc string) []LabelConfigProblem {
	root, err := parseXML(doc)
	if err != nil {
		return []LabelConfigProblem{{Message: "the labeling config is not well-formed XML: " + err.Error()}}
	}
	var probs []LabelConfigProblem
	if root.Name != "View" {
		probs = append(probs, LabelConfigProblem{root.Line, fmt.Sprintf("the root element must be <View>, not <%s>", root.Name)})
	}
	names := map[string]*xmlNode{}
	var controls []*xmlNode
	root.walk(func(n *xmlNode) {
		// Lower-case elements are HTML the labeling interface renders as is.
		if !knownSet[n.Name] && n.Name != strings.ToLower(n.Name) {
			probs = append(probs, LabelConfigProblem{n.Line, fmt.Sprintf("unknown tag <%s>", n.Name)})
		}
		if name, ok := n.Attrs["name"]; ok {
			if prev, dup := names[name]; dup {
				probs = append(probs, LabelConfigProblem{n.Line,
					fmt.Sprintf("name %q is used twice (also by <%s> on line %d); names must be unique", name, prev.Name, prev.Line)})
			} else {
				names[name] = n
			}
		}
		if controlSet[n.Name] {
			controls = append(controls, n)
		}
	})
	for _, c := range controls {
		probs = append(probs, checkControl(c, names)...)
	}

	return probs
}

func checkControl(c *xmlNode, names map[string]*xmlNode) []LabelConfigProblem {
	var probs []LabelConfigProblem
	if c.Attrs["name"] == "" {
		probs = append(probs, LabelConfigProblem{c.Line, fmt.Sprintf("control tag <%s> has no name", c.Name)})
	}
	to, ok := c.Attrs["toName"]
	if !ok || strings.TrimSpace(to) == "" {
		return append(probs, LabelConfigProblem{c.Line,
			fmt.Sprintf("control tag <%s name=%q> has no toName; bind it to an object tag such as <Image> or <Text>", c.Name, c.Attrs["name"])})
	}
	for _, target := range strings.Split(to, ",") {
		target = strings.TrimSpace(target)
		obj, found := names[target]
		switch {
		case !found:
			probs = append(probs, LabelConfigProblem{c.Line,
				fmt.Sprintf("control tag <%s name=%q> has toName=%q, but no tag is named %q", c.Name, c.Attrs["name"], target, target)})
		case !objectSet[obj.Name]:
			probs = append(probs, LabelConfigProblem{c.Line,
				fmt.Sprintf("control tag <%s name=%q> has toName=%q, which names a <%s>, not an object tag", c.Name, c.Attrs["name"], target, obj.Name)})
		}
	}

	return probs
}

// CanonicalLabelConfig renders a labeling config in a canonical form:
// attributes sorted, whitespace between elements and around text dropped,
// comments and processing instructions removed, empty elements
// self-closed. Two configs with the same canonical form label identically.
func CanonicalLabelConfig(doc string) (string, error) {
	root, err := parseXML(doc)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	writeCanonical(&b, root)

	return b.String(), nil
}

func writeCanonical(b *strings.Builder, n *xmlNode) {
	b.WriteString("<" + n.Name)
	keys := make([]string, 0, len(n.Attrs))
	for k := range n.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" " + k + `="`)
		_ = xml.EscapeText(b, []byte(n.Attrs[k]))
		b.WriteString(`"`)
	}
	if len(n.Children) == 0 && n.Text == "" {
		b.WriteString("/>")

		return
	}
	b.WriteString(">")
	_ = xml.EscapeText(b, []byte(n.Text))
	for _, c := range n.Children {
		writeCanonical(b, c)
	}
	b.WriteString("</" + n.Name + ">")
}

// LabelConfigsEqual reports whether two configs are semantically the same.
// Configs that do not parse are compared byte for byte.
func LabelConfigsEqual(a, b string) bool {
	if a == b {
		return true
	}
	ca, errA := CanonicalLabelConfig(a)
	cb, errB := CanonicalLabelConfig(b)
	if errA != nil || errB != nil {
		return false
	}

	return ca == cb
}

// Labels returns, per control tag name, the label values it offers
// (<Label value>, <Choice value>), in document order.
func Labels(doc string) (map[string][]string, error) {
	root, err := parseXML(doc)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	root.walk(func(n *xmlNode) {
		if !controlSet[n.Name] {
			return
		}
		name := n.Attrs["name"]
		if _, ok := out[name]; !ok {
			out[name] = []string{}
		}
		n.walk(func(c *xmlNode) {
			if (c.Name == "Label" || c.Name == "Choice") && c.Attrs["value"] != "" {
				out[name] = append(out[name], c.Attrs["value"])
			}
		})
	})

	return out, nil
}
