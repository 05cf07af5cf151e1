// Code and data (basicwords.txt) copied from
// github.com/jdkato/prose/v2@v2.0.0 (words.go and tokenize.go; MIT License,
// Copyright (c) 2017-present Joseph Kato), which keeps these lists
// unexported. DO NOT EDIT: they must stay as prose has them for its models
// to score as they were trained.

package proseinfer

import (
	_ "embed"
	"strings"
)

// basicWords is prose's enWordList (basicwords.txt, one word a line, in
// prose's order): the entity classifier's "en-wordlist" feature is whether
// a token is one of them, as written.
var basicWords = setOf(strings.Fields(basicWordsList)...)

//go:embed basicwords.txt
var basicWordsList string

// emoticons are the tokens prose's tagger tags SYM without asking its model.
var emoticons = setOf(
	"(-8", "(-;", "(-_-)", "(._.)", "(:", "(=", "(o:", "(¬_¬)",
	"(ಠ_ಠ)", "(╯°□°）╯︵┻━┻", "-__-", "8-)", "8-D", "8D", ":(", ":((",
	":(((", ":()", ":)))", ":-)", ":-))", ":-)))", ":-*", ":-/",
	":-X", ":-]", ":-o", ":-p", ":-x", ":-|", ":-}", ":0",
	":3", ":P", ":]", ":`(", ":`)", ":`-(", ":o", ":o)",
	"=(", "=)", "=D", "=|", "@_@", "O.o", "O_o", "V_V",
	"XDD", "[-:", "^___^", "o_0", "o_O", "o_o", "v_v", "xD",
	"xDD", "¯\\(ツ)/¯",
)
