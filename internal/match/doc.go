// Package match is Samenspel's coalition engine: given a tender, the registered
// profiles and the trust between partners, it finds the coalitions that SPEC §3–6
// defines as best and explains each one.
//
// It sits below the API, the jobs and the commands and above internal/profiles. It is
// pure: values in, values out. It never reads a file, the network or the clock, keeps
// no global state and uses no randomness, so the same input always gives the same
// output, byte for byte. It never sees who asks: callers hand it profiles, and it
// copies only public fields (id, name, kind, size, instruments) into its answers, so
// contact and private fields cannot leak through a suggestion.
//
// # Model
//
// A profile is a candidate when it is not excluded, one of its areas overlaps one of
// the tender's, and it offers a needed instrument (SPEC §3). A coalition S of
// candidates scores a_C·C + a_D·D + a_T·T + a_I·I: weighted coverage of the needs,
// capped at 1 per need; distinct kinds over min(max_size, K); mean pairwise trust
// (0.5 for one member); the share of small or new providers (SPEC §5). Trust starts at
// 0.5 per pair and moves with each collaboration event: +10% of the distance to 1 for
// a positive one, −30% for a negative one (SPEC §4). Comparisons of scores and of
// coverage use a tolerance of 1e-9, so that 0.7+0.3 covers a need and a member whose
// contribution is only rounding noise counts as a free rider.
//
// # Search
//
// Coverage is monotone submodular (a sum of concave functions of modular ones), and
// the diversity, inclusion and trust terms depend only on the members' kinds, flags
// and pairs. The search is a depth-first branch and bound over sets, with:
//
//   - exact reduction: candidates identical in every respect that the score and the
//     rules see (kind, size, new provider, levels of the needed instruments, and no
//     trust other than the default) are interchangeable; a coalition holding one
//     whose group has N+max_size−1 members with smaller ids cannot be in the top N,
//     so those are dropped;
//   - free-rider pruning: a candidate whose marginal coverage to the partial coalition
//     is zero can never join it (marginals only shrink as members join), and a branch
//     in which a member has become a free rider is closed;
//   - rule pruning: max_large, and whether the remaining candidates can still cover the
//     must needs, bring the required kinds and the minimum of small or new members;
//   - a joint upper bound per final size m: the partial score plus the m−|S| largest
//     values of a_C·Δcoverage + a_D·[new kind]/min(max_size,K) + a_I·[small or new]/m
//     plus a_T·(trust above 0.5 with the members, and half the best with others) over
//     the remaining candidates, capped by what each term can still gain, and with the
//     coverage the others can add bounded need by need. A child whose bound is below
//     the N-th best score found so far is cut; children are tried best bound first.
//
// The top N are kept in a bounded list ordered by score (equal within 1e-9) and then
// by the sorted list of member ids. Before the tree search, greedy constructions fill
// the list: for each target size from max_size down to half of it, and for three
// penalties (0, 1 and 4 members' worth of diversity and inclusion per fair share) on
// a partner that covers more than its fair share of what is left (so that one big
// partner does not crowd out the many small ones the size allows), followed by a
// local search that drops, adds or swaps one member. Among children with equal
// bounds, the tree search tries such fair-share partners first too. It always keeps
// at least 10 coalitions, so that the answer for a smaller top is the first part of
// the default answer.
//
// # Guarantees
//
// The tree search counts its work in candidate evaluations. On pools of up to
// ExactPool (32) candidates after the reduction it has no budget of them, so the
// answer is the proven top N and Result.Exact is true unless the effort below runs
// out; on larger pools it has 30% of Options.Budget (DefaultBudget: 50,000), and
// when it ends within it the answer is proven as well. When it does not, the other
// 70% goes to repairs (a large neighbourhood search, lns.go): the best coalitions
// found have one, two or three members freed at a time and are completed by the
// same bounded search over a short list that holds, for each set of open needs, the
// few candidates that add most. Such an answer has Exact false, the upper bound the
// search proved (Result.Bound: no coalition can score above it, SPEC §6) and a
// warning that states it.
//
// Every search is bounded (SPEC §6), on pools of any size, by two values its caller
// hands it; the package itself reads no clock. Options.Effort (DefaultEffort: 10
// million) caps the weighed evaluations of the whole search: each candidate a node
// weighs, and each member whose contribution an added member or an offered
// coalition makes it weigh again, so that the count follows the time on pools
// where bounds cannot separate the coalitions (32 partners that each offer all of
// 30 needs: some 2.5 s of one core). Options.Stop, a channel such as a context's
// Done, is looked at every stopEvery (4,096) weighed evaluations. When either ends
// the search, it stops at once with the best coalitions found, Exact false and the
// bound: the best score found, or the bound of the root's child the tree search was
// in, whichever is higher (the root tries its children best bound first, and every
// branch it left is below the N-th best found). A search ended by Stop also has
// Result.Interrupted: its answer depends on when that happened, so callers do not
// cache it. Effort and Budget give the same answer on every run.
//
// Measured (package tests, BenchmarkQuality; figures in the README): on 72 pools of
// 100 to 300 candidates whose optimum a search without budget proves, the best
// coalition is on average within 0.01% of it and at worst 0.14%; on realistic pools
// of 100, 600 and 2,000 candidates, against a search with 100 times the budget, within
// 0.2% on average and 1.8% at worst (a 100-candidate tender at max_size 8).
//
// When no coalition meets every rule, the search runs again without rule 2 (must
// needs) and the answer has feasible false, with each coalition's uncovered must
// needs as gaps (SPEC §6).
package match
