// Package queue carries storyline's work between processes and machines
// through NATS JetStream. It is the only package that imports
// github.com/nats-io/nats.go.
//
// ingest -queue publishes each source (a page, a feed, a sitemap, a file or
// a directory) to the work stream; a worker takes sources, collects and
// stores their articles, publishes each stored article for extraction,
// and acknowledges the source; it takes articles, extracts and stores
// their entities, acknowledges them, and brings the stories up to date.
//
// Delivery is at least once: a message is acknowledged only after its
// result is durable in the store (for a source: its articles stored and
// their extraction work published, which JetStream confirms once it is
// stored in the stream), so a worker killed at any moment leaves its
// messages to be delivered again once the ack wait has passed. The writes
// are idempotent, so that doing a piece of work twice changes nothing: an
// unchanged article is not written again, a current extraction is not made
// again, and each publish carries a Nats-Msg-Id (the source; the article ID
// with its content hash) so that JetStream drops a second copy within the
// duplicate window. A server restart forgets the IDs of messages delivered
// and removed, so a source done again queues no extraction for an
// unchanged article whose current extraction is stored.
//
// A message whose work fails is delivered again after a growing delay; on
// its last delivery (Config.MaxDeliver) it goes to the dead-letter stream
// with its error in a header and is terminated, so a poison message costs a
// bounded number of attempts and is kept for a person to read. A message
// that a worker dies on every time reaches its last delivery with no one
// to say so: JetStream's max-deliveries advisory does, and the workers
// that hear it move the message to the dead letters.
//
// Politeness across workers: a shared limiter in a JetStream key-value
// bucket holds, per host, the time the next request may start; each worker
// reserves the next slot with a compare-and-set before it sends a request.
// See Pacer.
//
// Caveats: a feed, a sitemap or a directory is one message, so its entries
// are fetched by the worker that holds it (the limiter still paces every
// request); local files must be readable at the same path by every worker.
// An advisory sent while no worker runs is lost: the message it is about
// stays in the work stream, undelivered (`nats stream info STORYLINE_WORK`
// counts it).
package queue
