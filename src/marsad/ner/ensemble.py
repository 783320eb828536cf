"""The CRF and the neural tagger voting together.

The two models' label scores are added, half each (a product of experts: the sum of two
linear-chain CRFs' scores is again one), with their transition scores likewise, and decoded
by Viterbi under the BIO constraint (I-X only after B-X or I-X). The mixture replaces the CRF's
own labels in each of its passes, so its second pass (which reads the first pass's labels
across the document) builds on the better ones. The two err differently: the CRF on words
it never saw, the network where one sparse feature (a gazetteer match, a cue word) should
decide.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from marsad.ner.crf import Decoder, marginals, viterbi
from marsad.ner.neural import NeuralModel, average_emissions

# tuned on ANERcorp dev (see models/README.md): the network's share of the scores, and a
# bias added to label O's (the mixture under-predicts names like the CRF alone). Entity-F1
# with the network that reads the news language model: weight 0.5 / bias -0.75 0.800,
# 0.6 / -0.5 0.809, 0.6 / -0.75 0.805, 0.55 / -0.5 0.804, 0.65 / -0.5 0.805, 0.7 / -0.5 0.804
NEURAL_WEIGHT = 0.6
OUTSIDE_BIAS = -0.5
# the network runs only on sentences where some token's CRF marginal is below this (1.0:
# every sentence); most news sentences are easy for the CRF and the network is the cost
GATE = 1.0
CONTEXT = 8
MARGIN = 3


def bio_transitions(labels: Sequence[str]) -> np.ndarray:
    """0 where label ``a`` may be followed by ``b``, a large negative score where not."""
    n = len(labels)
    trans = np.zeros((n, n))
    for j, b in enumerate(labels):
        if not b.startswith("I-"):
            continue
        for i, a in enumerate(labels):
            if a[2:] != b[2:] or a == "O":
                trans[i, j] = -1e4
    return trans


class EnsembleDecoder:
    """Decodes a document with the CRF and one or more networks; labels are the CRF's."""

    def __init__(
        self,
        crf: Decoder,
        neural: Sequence[NeuralModel],
        weight: float = NEURAL_WEIGHT,
        outside_bias: float = OUTSIDE_BIAS,
        gate: float = GATE,
    ) -> None:
        self.crf = crf
        self.neural = neural
        self.weight = weight
        self.gate = gate
        self.labels = crf.w.labels
        order = [neural[0].labels.index(y) for y in self.labels]
        self.order = order
        if any(m.labels != neural[0].labels for m in neural):
            raise ValueError("the neural models label differently")
        self.nn_trans = sum(m.transitions for m in neural)[np.ix_(order, order)] / len(neural)
        self.constraint = bio_transitions(self.labels)
        # a sentence may not start inside a name
        self.start = np.array([-1e4 if y.startswith("I-") else 0.0 for y in self.labels])
        self.shift = np.zeros(len(self.labels))
        self.shift[self.labels.index("O")] = outside_bias

    def tag_document(
        self, sentences: Sequence[Sequence[str]], with_marginals: bool = False
    ) -> tuple[list[list[str]], list[list[float]]]:
        """BIO labels of each sentence and, with ``with_marginals``, the probability of each
        label (forward-backward over the mixed scores)."""
        live_words = [s for s in sentences if len(s)]
        asked: list[tuple[int, int, int, np.ndarray]] = []  # sentence, from, to, scores
        passes_run = [0]

        def best_paths(crf_ems: list[np.ndarray], trans: np.ndarray) -> list[list[int]]:
            # the network is asked once, on the first pass's uncertainty, for every pass
            if not passes_run[0]:
                asked.extend(self._ask_network(live_words, crf_ems, trans))
            passes_run[0] += 1
            return viterbi(*self._mix(crf_ems, trans, asked))

        labels, crf_ems = self.crf.decode(sentences, best_paths)
        scores: list[list[float]] = [[] for _ in sentences]
        live = [i for i, e in enumerate(crf_ems) if len(e)]
        if with_marginals and live:
            trans = self.crf.w.trans[self.crf.passes - 1]
            probs = marginals(*self._mix([crf_ems[i] for i in live], trans, asked))
            index = {y: k for k, y in enumerate(self.labels)}
            for i, m in zip(live, probs, strict=True):
                scores[i] = [float(m[t, index[y]]) for t, y in enumerate(labels[i])]
        return labels, scores

    def _ask_network(
        self, words: list[Sequence[str]], crf_ems: list[np.ndarray], trans: np.ndarray
    ) -> list[tuple[int, int, int, np.ndarray]]:
        """The network's scores where the CRF is unsure: for each run of tokens whose CRF
        marginal is below the gate, a piece of the sentence around it (``CONTEXT`` tokens
        either side) is read by the network, and its scores are kept for the piece's core
        (the piece less ``MARGIN`` tokens at an edge that is not the sentence's)."""
        if self.gate >= 1.0:
            pieces = [(k, 0, len(w)) for k, w in enumerate(words)]
        else:
            pieces = []
            for k, p in enumerate(marginals(crf_ems, trans)):
                n = len(p)
                unsure = np.flatnonzero(p.max(axis=1) < self.gate)
                a = b = -1
                for t in unsure:
                    lo, hi = max(0, t - CONTEXT), min(n, t + CONTEXT + 1)
                    if lo <= b:
                        b = hi
                        continue
                    if b >= 0:
                        pieces.append((k, a, b))
                    a, b = lo, hi
                if b >= 0:
                    pieces.append((k, a, b))
        ems = average_emissions(self.neural, [words[k][a:b] for k, a, b in pieces])
        out = []
        for (k, a, b), em in zip(pieces, ems, strict=True):
            lo = a if a == 0 else a + MARGIN
            hi = b if b == len(words[k]) else b - MARGIN
            out.append((k, lo, hi, em[lo - a : hi - a][:, self.order]))
        return out

    def _mix(
        self,
        crf_ems: list[np.ndarray],
        crf_trans: np.ndarray,
        asked: list[tuple[int, int, int, np.ndarray]],
    ) -> tuple[list[np.ndarray], np.ndarray]:
        """Scores (1 - w) * CRF + w * network, the CRF's own standing in for the network's
        where it was not asked."""
        w = self.weight
        ems = []
        for ce in crf_ems:
            em = ce + self.shift
            em[0] += self.start
            ems.append(em)
        for k, lo, hi, ne in asked:
            ems[k][lo:hi] += w * (ne - crf_ems[k][lo:hi])
        return ems, (1 - w) * crf_trans + w * self.nn_trans + self.constraint
