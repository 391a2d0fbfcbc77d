package labelstudio_test

import (
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio"
)

func TestCheckLabelConfig(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"valid", `<View><Image name="i" value="$i"/><RectangleLabels name="b" toName="i"><Label value="A"/></RectangleLabels></View>`, ""},
		{"html and multi-target", `<View><div><Text name="a" value="$a"/><Text name="b" value="$b"/></div><Pairwise name="p" toName="a,b"/></View>`, ""},
		{"relations need no toName", `<View><Text name="a" value="$a"/><Relations><Relation value="x"/></Relations><Labels name="l" toName="a"><Label value="P"/></Labels></View>`, ""},
		{"malformed", `<View><Text name="a" value="$a"></View>`, "not well-formed"},
		{"two roots", `<View/><View/>`, "more than one root"},
		{"unknown", `<View><Txt name="a"/></View>`, "line 1: unknown tag <Txt>"},
		{"duplicate", "<View>\n<Text name=\"a\" value=\"$a\"/>\n<Image name=\"a\" value=\"$b\"/></View>", `line 3: name "a" is used twice (also by <Text> on line 2)`},
		{"dangling", `<View><Text name="a" value="$a"/><Choices name="c" toName="b"/></View>`, `no tag is named "b"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probs := labelstudio.CheckLabelConfig(c.doc)
			if c.want == "" {
				if len(probs) != 0 {
					t.Errorf("unexpected problems: %v", probs)
				}

				return
			}
			if len(probs) == 0 || !strings.Contains(probs[0].String(), c.want) {
				t.Errorf("want %q, got %v", c.want, probs)
			}
		})
	}
}

func TestLabelConfigsEqual(t *testing.T) {
	a := `<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="box" toName="img"><Label value="Total"/></RectangleLabels>
</View>`
	same := `<View><!-- c --><Image value="$image" name="img"></Image><RectangleLabels toName="img" name="box">
	<Label value="Total"></Label></RectangleLabels></View>`
	if !labelstudio.LabelConfigsEqual(a, same) {
		t.Error("attribute order, whitespace and comments must not matter")
	}
	for _, diff := range []string{
		strings.Replace(a, "Total", "Tax", 1),
		strings.Replace(a, `<Label value="Total"/>`, `<Label value="Total"/><Label value="Tip"/>`, 1),
		strings.Replace(a, `toName="img"`, `toName="img" strokeWidth="3"`, 1),
	} {
		if labelstudio.LabelConfigsEqual(a, diff) {
			t.Errorf("different configs compared equal:\n%s", diff)
		}
	}
	if labelstudio.LabelConfigsEqual("<View>", "<View >") {
		t.Error("unparsable configs must compare byte for byte")
	}
}

func TestLabels(t *testing.T) {
	got, err := labelstudio.Labels(`<View><Image name="i" value="$i"/><RectangleLabels name="b" toName="i"><Label value="A"/><Label value="B"/></RectangleLabels><Choices name="c" toName="i"><Choice value="Y"/></Choices></View>`)
	if err != nil || strings.Join(got["b"], ",") != "A,B" || strings.Join(got["c"], ",") != "Y" {
		t.Errorf("got %v, %v", got, err)
	}
}
