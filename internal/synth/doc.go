// Package synth makes deterministic, realistic synthetic Samenspel data: partner
// profiles, tenders and collaboration events in Utrecht (GM0344), as a municipality
// would see them in its first weeks on the platform.
//
// It feeds the shipped examples in config/examples (through the examplegen command),
// tests and benchmarks. The server never uses it to serve data: the examples it made
// are embedded as plain files.
//
// Everything is pure: a seed goes in (math/rand/v2, PCG), values come out. There is no
// clock, no I/O and no map iteration that could leak into the output, so the same
// seed gives the same documents, byte for byte once encoded.
package synth
