// Package story turns a story's reports into its timeline: each report's
// sentences that tell of a dated event (Mentions), the same event told by
// several reports merged into one entry (Timeline), and the people and
// countries that meet in those events (Pairs). These are pure functions of
// the articles and their entities, so a story rebuilt from the same reports
// gets the same timeline whatever order they came in.
package story
