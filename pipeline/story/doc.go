// Package story groups news reports into stories and tells each story: its
// timeline of dated events merged across its reports, with the sentences
// that say so, and who met whom in them.
//
// Grouping (profile.go, similarity.go, cluster.go) compares the reports
// that share an anchor word and were published within a quarter of each
// other, or within three years when both are about one person (a full
// name each uses twice) and share an anchor besides, and merges groups by average-link with a contrast between groups;
// Build (rebuild.go) sweeps a whole store by day and Update (update.go)
// regroups only what new or changed reports can reach through the story
// index. Both give the same stories, whatever order the reports came in.
// Telling a story (tell.go) names its people with the story as context and
// merges each report's event sentences (Mentions) into one timeline
// (Timeline) and its pairs (Pairs). Everything is a pure function of the
// reports and their entities: the package reads through the small Reports
// and Index interfaces and returns what the store should write.
package story
