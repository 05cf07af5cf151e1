package story

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// A report's profile is kept in the story index beside its keys, so that
// an update compares a new report with the stored ones that share an
// anchor without reading and profiling each of them again: that was most
// of an update's time. The bytes are this package's own; the store keeps
// them as they are. They are made by the story rules of Version, and a
// store whose stories another version made is rebuilt, profiles and all.

// profileCodec is the first byte of an encoded profile: its layout.
const profileCodec = 2

// errProfile is returned when stored profile bytes do not decode.
var errProfile = errors.New("profile does not decode")

// encodeProfile writes p, all but its ID, which the store keys it by.
// Weights are kept to the bit, so that the similarities an update
// computes from stored profiles are those a build computes afresh.
func encodeProfile(p *profile) []byte {
	out := make([]byte, 0, 16+12*(len(p.terms)+len(p.marks)))
	out = append(out, profileCodec)
	out = binary.AppendVarint(out, int64(p.day))
	out = appendWeights(out, p.terms)
	out = appendStrings(out, p.anchors)
	out = appendWeights(out, p.marks)
	out = appendStrings(out, p.people)
	out = binary.AppendUvarint(out, uint64(len(p.years)))
	for _, y := range p.years {
		out = binary.AppendVarint(out, int64(y))
	}
	out = binary.AppendUvarint(out, uint64(len(p.namesakes)))
	for _, n := range p.namesakes {
		out = appendString(out, n.surname)
		out = appendString(out, n.person)
	}
	return out
}

func appendWeights(out []byte, ws []weight) []byte {
	out = binary.AppendUvarint(out, uint64(len(ws)))
	for _, w := range ws {
		out = binary.LittleEndian.AppendUint64(out, w.key)
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(w.w))
	}
	return out
}

func appendStrings(out []byte, ss []string) []byte {
	out = binary.AppendUvarint(out, uint64(len(ss)))
	for _, s := range ss {
		out = appendString(out, s)
	}
	return out
}

func appendString(out []byte, s string) []byte {
	out = binary.AppendUvarint(out, uint64(len(s)))
	return append(out, s...)
}

// decodeProfile reads the profile of report id from data, as
// encodeProfile wrote it. The error wraps errProfile.
func decodeProfile(id string, data []byte) (profile, error) {
	d := profileDecoder{data: data}
	if layout := d.byte(); layout != profileCodec {
		return profile{}, fmt.Errorf("report %s: layout %d: %w", id, layout, errProfile)
	}
	p := profile{id: id, day: int32(d.varint())}
	p.terms = d.weights()
	p.anchors = d.strings()
	p.marks = d.weights()
	p.people = d.strings()
	if n := d.count(2); n > 0 {
		p.years = make([]int16, n)
		for i := range p.years {
			p.years[i] = int16(d.varint())
		}
	}
	if n := d.count(2); n > 0 {
		p.namesakes = make([]namesake, n)
		for i := range p.namesakes {
			p.namesakes[i] = namesake{d.string(), d.string()}
		}
	}
	if d.bad || len(d.data) > 0 {
		return profile{}, fmt.Errorf("report %s: %w", id, errProfile)
	}
	return p, nil
}

// profileDecoder reads what encodeProfile wrote; past the end or on a
// count the bytes left cannot hold, it reads zeros and turns bad.
type profileDecoder struct {
	data []byte
	bad  bool
}

func (d *profileDecoder) byte() byte {
	if len(d.data) == 0 {
		d.bad = true
		return 0
	}
	b := d.data[0]
	d.data = d.data[1:]
	return b
}

func (d *profileDecoder) varint() int64 {
	v, n := binary.Varint(d.data)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.data = d.data[n:]
	return v
}

func (d *profileDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.data)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.data = d.data[n:]
	return v
}

// count reads a count of items of at least size bytes each.
func (d *profileDecoder) count(size int) int {
	n := d.uvarint()
	if n > uint64(len(d.data)/size) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *profileDecoder) weights() []weight {
	n := d.count(12)
	if n == 0 {
		return nil
	}
	ws := make([]weight, n)
	for i := range ws {
		ws[i] = weight{binary.LittleEndian.Uint64(d.data), math.Float32frombits(binary.LittleEndian.Uint32(d.data[8:]))}
		d.data = d.data[12:]
	}
	return ws
}

func (d *profileDecoder) strings() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.string()
	}
	return ss
}

func (d *profileDecoder) string() string {
	l := d.uvarint()
	if l > uint64(len(d.data)) {
		d.bad = true
		return ""
	}
	s := string(d.data[:l])
	d.data = d.data[l:]
	return s
}
