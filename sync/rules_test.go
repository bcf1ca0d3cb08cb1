package sync

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"rosterdesk/sync/rest"
)

// loggedRules finds every rule the engine's code logs: the rule argument of
// a table's at, reject, warn and note (a new helper needs its rule
// argument's position here), and Rule in a rosterdesk.LogEntry literal or
// assignment, in every non-test file of this package and its subpackages.
func loggedRules(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("*/*.go")
	files = append(files, more...)
	fset := token.NewFileSet()
	out := map[string]string{}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				idx := map[string]int{"at": 1, "reject": 1, "warn": 1, "note": 1}[sel.Sel.Name]
				if idx > 0 && len(n.Args) > idx {
					if r, ok := lit(n.Args[idx]); ok {
						out[r] = fset.Position(n.Pos()).String()
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Rule" {
					if r, ok := lit(n.Value); ok {
						out[r] = fset.Position(n.Pos()).String()
					}
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if s, ok := l.(*ast.SelectorExpr); ok && s.Sel.Name == "Rule" && i < len(n.Rhs) {
						if r, ok := lit(n.Rhs[i]); ok {
							out[r] = fset.Position(n.Pos()).String()
						}
					}
				}
			}
			return true
		})
	}
	return out
}

// Every rule the engine logs has its sentence (what it means, how to fix it
// in the SIS). A new rule without one fails here: add it to ruleHelp.
func TestEveryRuleHasHelp(t *testing.T) {
	rules := loggedRules(t)
	if len(rules) < 40 {
		t.Fatalf("found only %d rules in the code; the scan is broken", len(rules))
	}
	for _, k := range rest.Kinds {
		rules["rest."+string(k)] = "rest.Kinds"
	}
	var names []string
	for r := range rules {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, r := range names {
		h := RuleHelp(r)
		if h == "" {
			t.Errorf("rule %s (logged at %s) has no sentence in ruleHelp (sync/rules.go)", r, rules[r])
			continue
		}
		if !strings.HasSuffix(h, ".") || strings.Count(h, ". ") > 0 {
			t.Errorf("rule %s: help should be one sentence ending in a period: %q", r, h)
		}
	}
	for r := range ruleHelp {
		if _, ok := rules[r]; !ok {
			t.Errorf("ruleHelp has %s, which no code logs", r)
		}
	}
}
