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
# bias added to label O's (the mixture under-predicts names like the CRF alone)
NEURAL_WEIGHT = 0.5
OUTSIDE_BIAS = -0.75


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
    ) -> None:
        self.crf = crf
        self.neural = neural
        self.weight = weight
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

    def _mix(
        self, crf_ems: list[np.ndarray], crf_trans: np.ndarray, nn_ems: list[np.ndarray]
    ) -> tuple[list[np.ndarray], np.ndarray]:
        w = self.weight
        ems = []
        for ce, ne in zip(crf_ems, nn_ems, strict=True):
            em = (1 - w) * ce + w * ne[:, self.order] + self.shift
            em[0] += self.start
            ems.append(em)
        return ems, (1 - w) * crf_trans + w * self.nn_trans + self.constraint

    def tag_document(
        self, sentences: Sequence[Sequence[str]], with_marginals: bool = False
    ) -> tuple[list[list[str]], list[list[float]]]:
        """BIO labels of each sentence and, with ``with_marginals``, the mixture's
        probability of each label (forward-backward over the summed scores)."""
        nn_live = [e for e in average_emissions(self.neural, sentences) if len(e)]

        def best_paths(crf_ems: list[np.ndarray], trans: np.ndarray) -> list[list[int]]:
            return viterbi(*self._mix(crf_ems, trans, nn_live))

        labels, crf_ems = self.crf.decode(sentences, best_paths)
        scores: list[list[float]] = [[] for _ in sentences]
        live = [i for i, e in enumerate(crf_ems) if len(e)]
        if with_marginals and live:
            ems, trans = self._mix(
                [crf_ems[i] for i in live], self.crf.w.trans[self.crf.passes - 1], nn_live
            )
            index = {y: k for k, y in enumerate(self.labels)}
            for i, m in zip(live, marginals(ems, trans), strict=True):
                scores[i] = [float(m[t, index[y]]) for t, y in enumerate(labels[i])]
        return labels, scores
