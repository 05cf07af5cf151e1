package story

import "strings"

// triggerTable lists the words that say something happened, with the
// inflections news prose uses, one kind of event a line: the first word
// names the kind, so that "met", "held talks" and "summit" are one meeting
// and "shot", "killed" and "died" one act of violence when reports tell
// of the same event in other words. Nouns that name an event ("talks",
// "earthquake") are there too, because a report often dates the noun
// rather than the verb ("the talks on 25 April"). Reporting verbs ("said")
// are not triggers: the day a thing was said is the report's date, not the
// event's.
const triggerTable = `
meet: meet meets met meeting meetings talks talked talking held holds holding summit summits
	host hosts hosted hosting attend attends attended discuss discusses discussed discussion
	discussions conference visit visits visited visiting call calls called phone speak speaks
	spoke spoken negotiations
agree: agree agrees agreed agreement accord deal sign signs signed signing restore restored
	restoring resume resumed reinstate reinstated join joins joined joining
announce: announce announces announced announcing announcement
elect: elect elects elected election elections vote voted voting ballot inaugurated
	inauguration sworn appoint appointed appointment hired
leave: resign resigns resigned resignation quit quits fired sacked dismissed ousted replaced
	leave leaves left leaving
violence: kill kills killed killing killings slain murder murders murdered murdering attack
	attacks attacked attacking assault raid raided bombing bombed shoot shoots shot shooting
	shootings gunman opened die dies died dying death deaths dead injured injuring wounded
	wounding stabbed stabbing
justice: arrest arrests arrested arresting charge charges charged convict convicts convicted
	conviction sentence sentenced sentencing plead pleads pleaded pled trial trials release
	releases released escape escapes escaped capture captures captured recaptured caught
	acquitted
war: launch launches launched launching
	invade invaded invasion occupied occupation crackdown cracked withdrew withdrawn
	withdrawal
begin: begin begins began begun beginning started starts outbreak ends ended ending
break: broke broken suspend suspended suspension expel expelled
enter: enter enters entered entering admitted checked checking arrive arrived arriving flew
	landed returned
disaster: strike strikes struck striking hit hits hitting earthquake earthquakes quake quakes aftershock aftershocks tremor tremors fire fires
	blaze blazes burned burnt burning destroyed crash crashes crashed collision explosion
	explosions exploded blast blasts fell fallen falling slipped rescued rescuing evacuated
	evacuation
crime: robbed robbery robberies heist stole stolen theft
unrest: riot riots rioting protest protests protested demonstration demonstrations vigil
	marched
contest: win wins won winning victory fight fights fought bout knockout defeated beat
	retained
life: married wedding divorce divorced born
business: acquire acquired acquisition bought takeover merger
`

// phrases are triggers of two words whose first alone says little.
var phrases = map[string]string{
	"took place": "meet", "take place": "meet", "takes place": "meet", "taking place": "meet",
	"took part": "meet", "take part": "meet", "held talks": "meet", "hold talks": "meet",
	"passed away": "violence", "broke out": "begin", "checked into": "enter",
	"checked in": "enter", "checks into": "enter", "gave birth": "life", "set fire": "disaster",
	"cut ties": "break", "broke ties": "break",
}

// weakFirst are the first words of phrases that are no trigger alone.
var weakFirst = wordSet("passed", "gave", "set", "cut", "checks", "took", "take", "takes",
	"taking", "broke")

// triggers maps an inflected form, lowercased, to the kind of event it
// tells of.
var triggers = func() map[string]string {
	m := map[string]string{}
	kind := ""
	for _, f := range strings.Fields(triggerTable) {
		if k, ok := strings.CutSuffix(f, ":"); ok {
			kind = k
			continue
		}
		m[f] = kind
	}
	return m
}()

// reporting verbs tie a date to the report, not to the event.
var reporting = wordSet("said", "says", "say", "told", "tells", "reported", "reports", "reporting",
	"confirmed", "added", "stated", "tweeted", "wrote", "according", "quoted", "posted",
	"updated", "published", "statement", "explained", "explains", "described", "describes", "noted",
	"insisted", "claimed")

// eventKind is the kind of event trigger t (as Mentions writes it) tells of.
func eventKind(t string) string {
	if l, ok := phrases[t]; ok {
		return l
	}
	if l, ok := triggers[t]; ok {
		return l
	}
	return ""
}
