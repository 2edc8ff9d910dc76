/**
 * Demo content for a fresh Lyceum install: a handful of users, long-form posts with math, footnotes,
 * tables and code, threaded discussion, and one sequence. All text is original to this project.
 *
 * Bodies are written with the `md` tag below, which is `String.raw` plus trimming, so LaTeX can be
 * typed with single backslashes (`\theta`). Two things cannot be typed directly inside such a
 * template: a backtick and a dollar sign immediately followed by `{`. Backticks are interpolated
 * from constants (`FENCE`, `code()`), and no math in this file starts with `{`.
 */

export interface DemoUser {
  username: string;
  displayName: string;
  email: string;
  /** Markdown. */
  bio: string;
}

export interface DemoComment {
  /** Unique across all demo comments. */
  key: string;
  /** Username of the author. */
  author: string;
  /** Markdown. */
  body: string;
  replies?: DemoComment[];
  hoursAfterPost: number;
}

export interface DemoPost {
  key: string;
  /** Username of the author. */
  author: string;
  title: string;
  /** Markdown. */
  body: string;
  daysAgo: number;
  comments: DemoComment[];
}

export interface DemoSequenceChapter {
  title: string;
  postKeys: string[];
}

export interface DemoSequence {
  title: string;
  /** Username of the author. */
  author: string;
  /** Markdown. */
  description: string;
  chapters: DemoSequenceChapter[];
}

/** `String.raw` with surrounding whitespace trimmed, so bodies can start on the line after the backtick. */
function md(strings: TemplateStringsArray, ...values: string[]): string {
  return String.raw({ raw: strings.raw }, ...values).trim();
}

const FENCE = '```';

/** Inline code span, since a backtick cannot appear literally inside the templates. */
function code(text: string): string {
  return `\`${text}\``;
}

// ---------------------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------------------

export const demoUsers: DemoUser[] = [
  {
    username: 'ada_k',
    displayName: 'Ada Kowalczyk',
    email: 'ada_k@example.org',
    bio: md`
Forecasting and decision analysis. I write mostly about **scoring rules**, calibration, and how to combine
what a crowd believes into one number. Keeps a spreadsheet of every prediction she has made since 2016.
`,
  },
  {
    username: 'tomasz',
    displayName: 'Tomasz Wrona',
    email: 'tomasz@example.org',
    bio: md`
Optimisation theory, mostly first-order methods. I think every inequality deserves a picture.
Default step size: $\eta = 1/L$ unless proven otherwise.
`,
  },
  {
    username: 'mirela',
    displayName: 'Mirela Dragomir',
    email: 'mirela@example.org',
    bio: md`
Applied statistician working with education data. Interested in causal inference, measurement, and
the gap between what a table says and what people read into it. *Will ask to see your residuals.*
`,
  },
  {
    username: 'quinn-r',
    displayName: 'Quinn Reyes',
    email: 'quinn-r@example.org',
    bio: md`
Decision-making under uncertainty: bandits, active learning, experimental design. Previously ran
A/B tests for a living and is still recovering.
`,
  },
];

// ---------------------------------------------------------------------------------------------------------
// Posts
// ---------------------------------------------------------------------------------------------------------

const properScoringRules: DemoPost = {
  key: 'proper-scoring-rules',
  author: 'ada_k',
  title: 'Proper scoring rules: why the best forecast is the one you believe',
  daysAgo: 38,
  body: md`
Suppose you have to report a probability $q$ for some event, and you will be scored once it resolves. What you actually believe is $p$. Any scoring scheme has to answer one question before all others: does it ever pay to report $q \neq p$? If it does, then the numbers you collect are partly measurements of belief and partly measurements of strategy, and there is no way to untangle the two afterwards.

Write $S(q, y)$ for the reward given for report $q$ when the outcome is $y \in \{0, 1\}$. The rule is *proper* if, for every belief $p$, the expected score

$$
\mathbb{E}_{y \sim p}\left[S(q, y)\right] = p\,S(q, 1) + (1 - p)\,S(q, 0)
$$

is maximised at $q = p$, and *strictly proper* if $q = p$ is the unique maximiser.

## The linear rule is a trap

The most natural-looking rule rewards you with the probability you gave to what actually happened: $S(q, 1) = q$ and $S(q, 0) = 1 - q$. Under belief $p$ the expected score is

$$
pq + (1 - p)(1 - q) = (1 - p) + q(2p - 1),
$$

which is linear in $q$. If $p > 1/2$ it is maximised at $q = 1$; if $p < 1/2$, at $q = 0$. The linear rule turns everyone into an extremist: someone who believes 70% and says 70% does strictly worse in expectation than someone who believes 70% and says 100%.

This is not a hypothetical worry. I once watched an internal prediction game that awarded "points equal to the probability you put on the right answer", and within a month nearly every submission was a 0 or a 1. Nobody was lying, exactly. They were responding to the incentive they had been given.

## Two rules that work

The **Brier score**, written as a loss so that lower is better, is $B(q, y) = (q - y)^2$. Under belief $p$ the expected loss is

$$
L(q) = p(1 - q)^2 + (1 - p)q^2.
$$

Its derivative is $L'(q) = -2p(1 - q) + 2(1 - p)q = 2(q - p)$, which vanishes exactly at $q = p$, and $L''(q) = 2 > 0$. So the Brier score is strictly proper.

The **log score** is $S(q, y) = y \log q + (1 - y)\log(1 - q)$. The expected score $p \log q + (1 - p)\log(1 - q)$ has derivative $p/q - (1 - p)/(1 - q)$, which is zero at $q = p$, so it is strictly proper too. Better, the expected cost of misreporting is exactly a KL divergence:

$$
\mathbb{E}_p[S(p, y)] - \mathbb{E}_p[S(q, y)] = p \log \frac{p}{q} + (1 - p)\log\frac{1 - p}{1 - q} = D_{\mathrm{KL}}(p \,\|\, q).
$$

That identity is, for me, the cleanest argument for the log score: the penalty for shading your report is measured in the same units as the information you withheld.

## A worked example

Take $p = 0.7$. The expected Brier loss for a few reports:

- $q = 0.7$: $0.7 \times 0.09 + 0.3 \times 0.49 = 0.210$
- $q = 0.8$: $0.7 \times 0.04 + 0.3 \times 0.64 = 0.220$
- $q = 1.0$: $0.7 \times 0 + 0.3 \times 1 = 0.300$

Expanding $L(q) - L(p)$ gives exactly $(q - p)^2$, so shading by $0.1$ costs only $0.01$. Quadratic penalties are gentle near the optimum. That is part of why people like the Brier score, and also why it is a weak incentive: a forecaster who gets some outside benefit from sounding confident will barely be deterred by it. The log score is harsher. Reporting $q = 1$ here has an expected score of $-\infty$, because there is a 30% chance of taking $\log 0$.

## The general shape

The characterisation I find most illuminating (it goes back to Savage, and Gneiting and Raftery give the general version) says that every proper scoring rule for a binary event comes from a convex function $G$ on $[0, 1]$:

$$
S(q, y) = G(q) + G'(q)\,(y - q).
$$

Under belief $p$ the expected score is $G(q) + G'(q)(p - q)$: the tangent line to $G$ at $q$, evaluated at $p$. A convex function lies above all of its tangent lines, so the best achievable value is $G(p)$ itself, reached by reporting $q = p$. Strict convexity gives strict propriety. For the negated Brier score $G(p) = -p(1 - p)$, and for the log score $G$ is the negative entropy, $G(p) = p \log p + (1 - p)\log(1 - p)$.

The picture also explains why no single rule is "correct". Choosing $G$ is choosing how much you care about distinctions in different regions of $[0, 1]$. The log score's $G$ curves sharply near the endpoints, so it cares a great deal about the difference between 1% and 0.1%, while the Brier parabola has the same curvature everywhere and treats every region alike.

Propriety only tells us that honesty is optimal. It says nothing about what a *good* score looks like, or how to tell a skilled forecaster from a lucky one. That is the subject of the next post.
`,
  comments: [
    {
      key: 'p1c1',
      author: 'tomasz',
      hoursAfterPost: 3,
      body: md`
Nice writeup. One thing worth adding for the multi-outcome case: among strictly proper rules for three or more outcomes, the log score is essentially the only *local* one, meaning it depends on the forecast only through $q_y$, the probability assigned to the outcome that actually happened. That's a strong argument for it when you don't want to reward or penalise people for how they spread probability over outcomes that didn't occur.
`,
      replies: [
        {
          key: 'p1c2',
          author: 'ada_k',
          hoursAfterPost: 5,
          body: md`
Agreed, and thanks. I left it out on purpose, because with two outcomes every rule is local in a trivial sense: $q_1$ determines $q_0 = 1 - q_1$. Locality only starts to bite at three outcomes, which I'm saving for a later post.
`,
          replies: [
            {
              key: 'p1c3',
              author: 'tomasz',
              hoursAfterPost: 7,
              body: md`
Fair. Then for the binary case the practical difference is boundedness. Brier losses live in $[0, 1]$, while the log score can be $-\infty$. I've seen a single overconfident entry dominate a whole leaderboard.
`,
              replies: [
                {
                  key: 'p1c4',
                  author: 'quinn-r',
                  hoursAfterPost: 10,
                  body: md`
We ran into exactly that. We ended up clipping reported probabilities to $[0.01, 0.99]$ before scoring, which bounds the worst single-question score at $\log 0.01 \approx -4.6$. Strictly speaking that breaks propriety at the edges (if you truly believe 0.999 you can't say so), but for a tournament of humans the trade seemed worth it.
`,
                },
              ],
            },
          ],
        },
      ],
    },
    {
      key: 'p1c5',
      author: 'mirela',
      hoursAfterPost: 20,
      body: md`
Thanks, this cleared it up. I'd always half-suspected the linear rule was wrong but couldn't say why.
`,
    },
    {
      key: 'p1c6',
      author: 'quinn-r',
      hoursAfterPost: 26,
      body: md`
Does propriety survive if the forecaster is risk-averse about their score? Say there's a prize for the top of the leaderboard rather than points that convert linearly into anything.
`,
      replies: [
        {
          key: 'p1c7',
          author: 'ada_k',
          hoursAfterPost: 30,
          body: md`
No, and it's an important caveat. Propriety is about maximising *expected* score. A winner-take-all prize makes the payoff a very non-linear function of the score, and then the best report depends on where you stand: someone far behind on the leaderboard should take extreme positions to have any chance of catching up.

If you must have prizes, one fix is to pay in lottery tickets, so that the probability of winning a fixed prize is proportional to your score. Expected utility is then linear in the score whatever your risk attitude, and honesty is optimal again.
`,
        },
      ],
    },
  ],
};

const calibrationResolution: DemoPost = {
  key: 'calibration-and-resolution',
  author: 'ada_k',
  title: "Calibration isn't enough: resolution and the Murphy decomposition",
  daysAgo: 31,
  body: md`
In the last post I argued that a proper scoring rule makes honesty the optimal policy. That is necessary but nowhere near sufficient. A forecaster who says "30% chance of rain" every single day, in a city where it rains on 30% of days, is perfectly honest about a perfectly uninformative belief. We want a way to say what such a forecaster is missing.

## The decomposition

Suppose a forecaster has issued $N$ probability forecasts for binary events, and the forecasts take only $K$ distinct values $f_1, \dots, f_K$. Let $n_k$ be the number of times the value $f_k$ was used, $\bar o_k$ the fraction of those occasions on which the event happened, and $\bar o$ the overall base rate. Then the Brier score splits exactly into three terms, a result due to Allan Murphy:

$$
\mathrm{BS} = \underbrace{\frac{1}{N}\sum_{k=1}^{K} n_k\,(f_k - \bar o_k)^2}_{\text{reliability}} \;-\; \underbrace{\frac{1}{N}\sum_{k=1}^{K} n_k\,(\bar o_k - \bar o)^2}_{\text{resolution}} \;+\; \underbrace{\bar o\,(1 - \bar o)}_{\text{uncertainty}}.
$$

The derivation is two applications of "mean squared error equals squared bias plus variance". Within bin $k$, the sum of $(f_k - o_i)^2$ over its $n_k$ outcomes is $n_k(f_k - \bar o_k)^2 + n_k\,\bar o_k(1 - \bar o_k)$. Summing the second piece over bins gives the within-bin variance of the outcomes, and the law of total variance says that this equals the total variance \(\bar o(1 - \bar o)\) minus the between-bin variance, which is the resolution term.

Each term has a plain reading:

- **Reliability** (lower is better) is miscalibration: how far the stated probabilities are from the observed frequencies.
- **Resolution** (higher is better) measures how much the forecaster's bins differ from the base rate, that is, how well the forecasts actually *sort* events.
- **Uncertainty** depends only on the outcomes. Nobody can do anything about it, which is why comparing Brier scores across different question sets is close to meaningless.

## Three forecasters

Take 100 days, 30 of them rainy. Forecaster A always says 0.3. Forecaster B says 0.1 on 60 days (6 of which turn out rainy) and 0.6 on the other 40 (24 rainy). Forecaster C sorts the days exactly as B does but is overconfident, saying 0.0 and 0.9 instead.

| Forecaster | Reliability | Resolution | Uncertainty | Brier score |
|---|---:|---:|---:|---:|
| A (always 0.3) | 0.000 | 0.000 | 0.210 | 0.210 |
| B (0.1 or 0.6) | 0.000 | 0.060 | 0.210 | 0.150 |
| C (0.0 or 0.9) | 0.042 | 0.060 | 0.210 | 0.192 |

A and B are both perfectly calibrated, and B wins by the full resolution margin. The interesting row is C: worse calibrated than A, yet better overall, because the information in its sorting outweighs the cost of overstating it. If you only looked at calibration plots you would rank A above C, and you would be choosing the forecaster who knows less.

## Calibration is cheap, resolution is expensive

Notice that the resolution term doesn't mention $f_k$ at all. It depends only on *which* events were grouped together. This means you can fix C's reliability term without learning anything new about the weather: relabel every 0.0 as 0.1 and every 0.9 as 0.6, and C turns into B. No relabelling of A's forecasts, on the other hand, can give A any resolution, because A put every day in the same bin.

That asymmetry is the main thing I want you to take from this post. Miscalibration is a post-processing problem, fixable with a monotone map learned from past data. Lack of resolution is a knowledge problem. When you evaluate forecasters, separate the two, and be suspicious of training regimes that reward calibration alone: they are optimising the easy part.

A practical caveat: with continuous forecasts you have to bin them to compute these terms, and binning introduces extra within-bin terms, so your three components will not add up exactly to the Brier score. Use enough data per bin, and report the Brier score itself alongside the pieces.

Next in the sequence: what happens when you have many forecasters, each with some resolution, and want a single number.
`,
  comments: [
    {
      key: 'p2c1',
      author: 'mirela',
      hoursAfterPost: 2,
      body: md`
The observation that resolution doesn't depend on $f_k$ is the cleanest statement I've seen of why recalibration (Platt scaling, isotonic regression and friends) can't make a model more *informative*. A strictly monotone map only removes the reliability term, and a map that merges bins, as isotonic regression often does, can even lose some resolution.
`,
    },
    {
      key: 'p2c2',
      author: 'tomasz',
      hoursAfterPost: 6,
      body: md`
Quick check on the table: how do you get $0.042$ for C's reliability? I keep getting $0.05$.
`,
      replies: [
        {
          key: 'p2c3',
          author: 'ada_k',
          hoursAfterPost: 8,
          body: md`
It's weighted by bin size: $\frac{1}{100}\left(60 \cdot 0.1^2 + 40 \cdot 0.3^2\right) = \frac{0.6 + 3.6}{100} = 0.042$. If you average the two bins without weights you get $(0.01 + 0.09)/2 = 0.05$, which I suspect is what happened.
`,
          replies: [
            {
              key: 'p2c4',
              author: 'tomasz',
              hoursAfterPost: 9,
              body: md`
Yes, that was it. Unweighted. Thanks!
`,
            },
          ],
        },
      ],
    },
    {
      key: 'p2c5',
      author: 'quinn-r',
      hoursAfterPost: 27,
      body: md`
I'd push back a little on "calibration is cheap". It's cheap *in the limit*. To relabel a bin you need $\bar o_k$, and with small bins that estimate is noisy: with 12 forecasts in a bin, the standard error of $\bar o_k$ can be as large as $\sqrt{0.25/12} \approx 0.14$.

This isn't only theoretical. In a forecasting tournament I helped run, about a third of participants had fewer than 15 forecasts in their most extreme bin, and recalibration maps fitted on each person's first half of questions made their second-half Brier scores worse about as often as better. Calibration is cheap for a weather service with decades of data; for an individual with 80 forecasts it's a genuine estimation problem.
`,
      replies: [
        {
          key: 'p2c6',
          author: 'ada_k',
          hoursAfterPost: 31,
          body: md`
That's fair, and a better way to say it is that calibration is cheap *in information*, not necessarily cheap in data. The asymmetry I care about still holds, since no amount of relabelling creates resolution, but I'll add a note that recalibration maps should be heavily regularised, or pooled across forecasters, when bins are small.
`,
          replies: [
            {
              key: 'p2c7',
              author: 'quinn-r',
              hoursAfterPost: 34,
              body: md`
Pooling is what we ended up doing: one shared map, with each person's deviation from it shrunk towards zero. Agreed on the asymmetry.
`,
            },
          ],
        },
      ],
    },
  ],
};

const poolingForecasts: DemoPost = {
  key: 'pooling-forecasts',
  author: 'ada_k',
  title: 'Pooling forecasts: linear pools, log-odds, and the case for extremizing',
  daysAgo: 22,
  body: md`
Suppose five people give you probabilities for the same event: 0.6, 0.7, 0.7, 0.8 and 0.95. What single number should you report? It sounds like a question with a textbook answer. It isn't, but there is a short list of sensible candidates and a clear story about when each one fails.

## Averages in two spaces

The **linear pool** is the arithmetic mean, $\bar p = \frac{1}{n}\sum_i p_i$. Here it gives $0.75$.

The **log-odds pool** averages in logit space, $\operatorname{logit}(\hat p) = \frac{1}{n}\sum_i \operatorname{logit}(p_i)$, where $\operatorname{logit}(p) = \log\frac{p}{1 - p}$. Equivalently, it takes the geometric mean of the odds. On the same five numbers it gives about $0.78$, a little more extreme, because the 0.95 forecaster carries more weight in log-odds than in probability.

The **median**, 0.7 here, is what you reach for when you suspect some forecasters are careless or trolling: one absurd entry barely moves it.

## Why averaging is usually too timid

Here is the example that changed how I think about this. The prior is 50%. Two forecasters each observe a *different*, independent piece of evidence, and each piece has a likelihood ratio of 3 in favour of the event. Each of them, reasoning correctly, reports $0.75$. The linear pool says $0.75$, the log-odds pool says $0.75$, the median says $0.75$. But anyone who saw both pieces of evidence would multiply the odds by $3 \times 3 = 9$ and report $0.9$.

If instead the two forecasters had seen the *same* piece of evidence, $0.75$ would be exactly right. The forecasts are identical in both scenarios. What differs is how much the information behind them overlaps, and no averaging rule can see that from the numbers alone.

In the fully independent case, with a shared prior $\pi$, the correct combination adds up each forecaster's update relative to the prior:

$$
\operatorname{logit}(p^\ast) = \operatorname{logit}(\pi) + \sum_{i=1}^{n}\left[\operatorname{logit}(p_i) - \operatorname{logit}(\pi)\right].
$$

With $\pi = 1/2$ that is just the *sum* of the logits, which is $n$ times their mean. With fully shared information the right answer is the mean itself. Real crowds live somewhere in between, which motivates the one-parameter family

$$
\operatorname{logit}(\hat p_a) = \frac{a}{n}\sum_{i=1}^{n}\operatorname{logit}(p_i), \qquad a \ge 1,
$$

known as **extremizing**. There is a cleaner theoretical point lurking here as well: Ranjan and Gneiting showed that a linear pool of distinct calibrated forecasts is itself not calibrated. It is systematically underconfident, and extremizing is one way to correct it.

## Fitting the extremizing factor

In practice you estimate $a$ from questions that have already resolved. Because the pooled forecast is a logistic function of the mean logit, this is a logistic regression with one feature and no intercept, and the mean log score is concave in $a$. A grid search is plenty:

${FENCE}python
import numpy as np

def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))

def mean_log_score(p, y):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

def pooled(forecasts, a=1.0):
    """forecasts: array of shape (n_questions, n_forecasters)."""
    z = logit(forecasts).mean(axis=1)
    return 1 / (1 + np.exp(-a * z))

def fit_extremizing(forecasts, outcomes, grid=np.linspace(0.5, 4.0, 351)):
    scores = [mean_log_score(pooled(forecasts, a), outcomes) for a in grid]
    return grid[int(np.argmax(scores))]
${FENCE}

Three cautions from doing this on real data. First, fit $a$ on one set of questions and evaluate it on another; with a few dozen resolved questions the fitted value is noisy, and an overfit $a$ is worse than none. Second, the right $a$ depends on the crowd. A small team that talks constantly shares most of its information and needs little extremizing, while a large crowd of people researching independently may need a lot. Third, this version extremizes away from 50%. For rare events you should extremize relative to the base rate, as in the first display above.

That completes this short sequence. The common thread across all three posts is that a probability is a claim about information, and every rule for evaluating or combining probabilities is implicitly a model of where that information came from.
`,
  comments: [
    {
      key: 'p3c1',
      author: 'tomasz',
      hoursAfterPost: 4,
      body: md`
The two-forecasters-with-ratio-3 example is great. Is there a principled way to choose $a$ without fitting it, if you know something about how the forecasters' information overlaps?
`,
      replies: [
        {
          key: 'p3c2',
          author: 'ada_k',
          hoursAfterPost: 6,
          body: md`
In a toy model, yes. Take a prior of one half and suppose each of $n$ forecasters sees a shared signal with log-likelihood ratio $s$ plus a private one with log-likelihood ratio $r_i$. Each reports $\operatorname{logit}(p_i) = s + r_i$. The full-information posterior has log-odds $s + \sum_i r_i = s + n\bar r$, while the mean reported logit is $s + \bar r$. So the ideal multiplier is

$$
a = \frac{s + n\bar r}{s + \bar r},
$$

which is $1$ when there is no private information and $n$ when there is no shared information.
`,
          replies: [
            {
              key: 'p3c3',
              author: 'tomasz',
              hoursAfterPost: 9,
              body: md`
So the ideal $a$ actually varies question by question with the realised signals, and a single fitted $a$ is an average over that mix. That makes me less worried about the noise in fitting it: it was never going to be exact anyway.
`,
              replies: [
                {
                  key: 'p3c4',
                  author: 'mirela',
                  hoursAfterPost: 12,
                  body: md`
This has the same shape as omitted-variable bias in regression: the thing you'd need to know (how much of each forecast is shared) isn't in the data you're averaging. One partial fix I've seen is to ask forecasters how likely they think it is that others share their reasoning. It's crude, but it gives you at least one covariate for the overlap.
`,
                },
              ],
            },
          ],
        },
      ],
    },
    {
      key: 'p3c5',
      author: 'quinn-r',
      hoursAfterPost: 15,
      body: md`
Small code note: since the score is concave in $a$, ${code('scipy.optimize.minimize_scalar')} on the negated score would be quicker than a 351-point grid. Doesn't matter at this size, of course.
`,
      replies: [
        {
          key: 'p3c6',
          author: 'ada_k',
          hoursAfterPost: 17,
          body: md`
True. I kept the grid because it makes it trivial to plot the whole score curve, and how flat that curve is turns out to be a useful visual warning about how poorly $a$ is determined.
`,
        },
      ],
    },
  ],
};

const gradientDescentRate: DemoPost = {
  key: 'gradient-descent-one-over-k',
  author: 'tomasz',
  title: 'Proof sketch: gradient descent on smooth convex functions converges at rate 1/k',
  daysAgo: 27,
  body: md`
This is the proof I wish someone had shown me early on: short, no clever tricks, and it explains why gradient descent on a smooth convex function gets a $1/k$ rate rather than something better or worse.

## Setting

Let $f : \mathbb{R}^d \to \mathbb{R}$ be convex and differentiable with an $L$-Lipschitz gradient, i.e. $\|\nabla f(x) - \nabla f(y)\| \le L\|x - y\|$ for all $x, y$. Assume a minimiser $x^\star$ exists and write $f^\star = f(x^\star)$. Gradient descent with step size $1/L$ is

$$
x_{k+1} = x_k - \frac{1}{L}\nabla f(x_k).
$$

The claim is that after $k$ steps

\[
f(x_k) - f^\star \le \frac{L\,\|x_0 - x^\star\|^2}{2k}.
\]

## Two inequalities

Write $g_k = \nabla f(x_k)$. Everything follows from two facts.

**(1) Smoothness gives descent.** An $L$-smooth function lies below a quadratic upper bound, $f(y) \le f(x) + \langle \nabla f(x), y - x\rangle + \frac{L}{2}\|y - x\|^2$. Plugging in $y = x_{k+1} = x_k - g_k/L$ gives

$$
f(x_{k+1}) \le f(x_k) - \frac{1}{2L}\|g_k\|^2.
$$

So every step decreases $f$ by at least $\|g_k\|^2/2L$.

**(2) Convexity bounds the gap by the gradient.** A convex function lies above its tangent planes, so $f^\star \ge f(x_k) + \langle g_k, x^\star - x_k\rangle$, which rearranges to

$$
f(x_k) - f^\star \le \langle g_k,\, x_k - x^\star\rangle.
$$

## Combining them

Adding (1) and (2):

$$
f(x_{k+1}) - f^\star \le \langle g_k,\, x_k - x^\star\rangle - \frac{1}{2L}\|g_k\|^2.
$$

The right-hand side looks awkward until you expand the squared distance to the optimum after one step. Since $x_{k+1} - x^\star = (x_k - x^\star) - g_k/L$,

$$
\|x_{k+1} - x^\star\|^2 = \|x_k - x^\star\|^2 - \frac{2}{L}\langle g_k,\, x_k - x^\star\rangle + \frac{1}{L^2}\|g_k\|^2,
$$

and multiplying through by $L/2$ shows that the right-hand side above is exactly $\frac{L}{2}\left(\|x_k - x^\star\|^2 - \|x_{k+1} - x^\star\|^2\right)$. Therefore, for every $k$,

$$
f(x_{k+1}) - f^\star \le \frac{L}{2}\left(\|x_k - x^\star\|^2 - \|x_{k+1} - x^\star\|^2\right).
$$

This telescopes. Summing over the first $k$ steps,

$$
\sum_{i=1}^{k}\left(f(x_i) - f^\star\right) \le \frac{L}{2}\left(\|x_0 - x^\star\|^2 - \|x_k - x^\star\|^2\right) \le \frac{L}{2}\|x_0 - x^\star\|^2.
$$

By (1) the values $f(x_i)$ never increase, so the last term of the sum is the smallest, and $k\,(f(x_k) - f^\star)$ is at most the whole sum. Dividing by $k$ gives the claim. $\blacksquare$

## What the proof is telling you

A few things fall out that are worth saying explicitly.

- **The iterates never move away from the optimum.** In the per-step inequality the left side is non-negative, so $\|x_{k+1} - x^\star\| \le \|x_k - x^\star\|$ for every $k$. Squared distance to $x^\star$ is a potential function, and the proof is an accounting of how it gets spent.
- **Convexity is used exactly once**, in (2). Smoothness alone still gives (1), and summing (1) shows that the smallest squared gradient norm seen so far is $O(1/k)$. Without (2), though, there is no link between small gradients and small suboptimality.
- **The step size is not sacred.** For any fixed $\eta \le 1/L$ the same argument goes through with $1/L$ replaced by $\eta$, giving the bound $\|x_0 - x^\star\|^2/(2\eta k)$. Larger steps are faster as long as they stay in the range where (1) holds.
- **$1/k$ is not the end of the story.** With $\mu$-strong convexity the same ingredients give a linear rate, with the gap shrinking like $(1 - \mu/L)^k$. And Nesterov's accelerated method reaches $O(1/k^2)$ on the class we started with, which matches the lower bound for first-order methods, so plain gradient descent is provably not optimal here.

If you remember only one line, make it the identity in the middle: one gradient step trades a decrease in squared distance to the optimum against the function gap. Most first-order convergence proofs are variations on that trade.
`,
  comments: [
    {
      key: 'p4c1',
      author: 'ada_k',
      hoursAfterPost: 1,
      body: md`
Really clear, thank you. Where exactly does convexity enter? Is it only inequality (2)?
`,
      replies: [
        {
          key: 'p4c2',
          author: 'tomasz',
          hoursAfterPost: 3,
          body: md`
Only (2). Smoothness alone gives (1), and summing (1) over $k$ steps gives, for any $L$-smooth $f$ that is bounded below,

$$
\min_{0 \le i < k} \|\nabla f(x_i)\|^2 \le \frac{2L\,\bigl(f(x_0) - f_{\inf}\bigr)}{k}.
$$

But for a non-convex $f$ a small gradient tells you nothing about how far you are from the global minimum.
`,
          replies: [
            {
              key: 'p4c3',
              author: 'ada_k',
              hoursAfterPost: 5,
              body: md`
So without convexity you get stationarity, not optimality. That makes the structure of the proof much easier to remember.
`,
              replies: [
                {
                  key: 'p4c4',
                  author: 'quinn-r',
                  hoursAfterPost: 8,
                  body: md`
And it's why non-convex optimisation papers state their guarantees in terms of gradient norms rather than function values. Reaching $\|\nabla f\| \le \epsilon$ in $O(1/\epsilon^2)$ steps is what this bound gives, and without further assumptions that rate is known to be unimprovable, up to constants, for first-order methods.
`,
                },
              ],
            },
          ],
        },
      ],
    },
    {
      key: 'p4c5',
      author: 'mirela',
      hoursAfterPost: 12,
      body: md`
Is the constant $\tfrac{1}{2}$ in the bound tight, or just what falls out of this proof?
`,
      replies: [
        {
          key: 'p4c6',
          author: 'tomasz',
          hoursAfterPost: 14,
          body: md`
Just what falls out. Drori and Teboulle worked out the exact worst case for gradient descent with step $1/L$ and got $\frac{L\|x_0 - x^\star\|^2}{4k + 2}$, roughly half of the bound here. Their approach, posing "what is the worst function for this method?" as an optimisation problem and relaxing it to a semidefinite program, is worth reading for its own sake.
`,
        },
      ],
    },
  ],
};

const regressionTable: DemoPost = {
  key: 'reading-a-regression-table',
  author: 'mirela',
  title: 'How to read a regression table without fooling yourself',
  daysAgo: 15,
  body: md`
Most of the regression tables I review get read in about four seconds: eyes go to the stars, then to the sign, then back to the abstract. Here is a slower reading of one table. The study is invented, but every mistake I describe is one I have seen in real manuscripts, several of them in my own.

Suppose we have 412 students and regress final exam score (out of 100) on weekly study hours, prior GPA, and whether the student attended an optional review session:

| Term | Estimate | Std. error | t | p |
|---|---:|---:|---:|---:|
| (Intercept) | 41.20 | 3.85 | 10.70 | < 0.001 |
| Study hours per week | 1.12 | 0.31 | 3.61 | < 0.001 |
| Prior GPA | 6.80 | 1.02 | 6.67 | < 0.001 |
| Attended review session | 2.40 | 1.45 | 1.66 | 0.098 |

The table reports $n = 412$, $R^2 = 0.29$ and a residual standard error of $9.6$.

## What a coefficient says

The model is $y_i = \beta_0 + \beta_1 h_i + \beta_2 g_i + \beta_3 r_i + \varepsilon_i$. The estimate $\hat\beta_1 = 1.12$ says that among students with the *same* prior GPA and the *same* review attendance, those who report one more hour of study per week score, on average, 1.12 points higher. That is a statement about a comparison between students in the data. Without further assumptions, it is not a statement about what would happen if you made a given student study one extra hour.

> A coefficient is the answer to a precise question. Before you interpret it, make sure it is the question you meant to ask.

## What the uncertainty says

A rough 95% interval is $\hat\beta \pm 1.97\,\mathrm{SE}$. For study hours that is $1.12 \pm 0.61$, or about $[0.51, 1.73]$. For the review session it is $2.40 \pm 2.86$, about $[-0.46, 5.26]$.

The review-session row is where the four-second reading goes wrong. "Not significant" gets written up as "no effect", but the interval runs from a small negative effect to more than five points, a range that includes effects the department would care about a great deal. The honest summary is that this study cannot tell. The p-value[^1] measures how surprising an estimate this large would be if the true coefficient were exactly zero; it is not the probability that the session works.

## The rows that aren't there

Often the most important part of a regression table is the variables it leaves out. Suppose the true model includes motivation $m$, which raises both study hours and exam scores, and we omitted it. With a single regressor, the classic omitted-variable result is

$$
\mathbb{E}[\tilde\beta_1] = \beta_1 + \gamma\,\delta,
$$

where $\gamma$ is the effect of $m$ on the score and $\delta$ is the slope from regressing $m$ on study hours. Both are plausibly positive here, so $1.12$ plausibly overstates the causal effect of studying. The formula generalises to several regressors, with $\delta$ replaced by a partial slope, but the one-regressor version is the one worth carrying around: *the bias is the product of how much the omitted variable matters and how strongly it is related to what you kept.*

## Comparing rows

It is tempting to say that GPA "matters more" than study hours because $6.80 > 1.12$. But the units differ: a one-point difference in GPA is enormous, while one hour of study is small. If the sample standard deviation of study hours is 4.5 and that of GPA is 0.5, then a one-SD difference in hours corresponds to $1.12 \times 4.5 \approx 5.0$ points, and a one-SD difference in GPA to $6.80 \times 0.5 = 3.4$ points. The ordering flips.

## The numbers at the bottom

$R^2 = 0.29$ says the model's predictions account for 29% of the variance in scores. It says nothing about whether the coefficients are unbiased, and a low $R^2$ is no reason to distrust a well-identified coefficient. The residual standard error is the more tangible number: even knowing all three predictors, a typical student lands about ten points away from the model's prediction.

So the slower reading goes: what comparison does each coefficient make, how wide is its interval, what was left out, in what units, and how much is left unexplained. None of that fits in four seconds, but all of it fits on one page.

[^1]: Strictly, the p-value is computed under the null hypothesis *and* the assumption that the rest of the model is right: a linear mean, and errors that are independent with constant variance. If those assumptions fail, the stars are not even answering the question they claim to answer.
`,
  comments: [
    {
      key: 'p5c1',
      author: 'quinn-r',
      hoursAfterPost: 2,
      body: md`
"The bias is the product of how much it matters and how related it is to what you kept" is going on a sticky note. It's also the quickest sanity check for a reviewer's "but you didn't control for X": if X is barely related to your regressor, the bias is small even when X matters a lot.
`,
    },
    {
      key: 'p5c2',
      author: 'tomasz',
      hoursAfterPost: 5,
      body: md`
I'd gently disagree with the "Comparing rows" section, or at least with leaning on per-SD coefficients. The SD of study hours is a property of your sample, not of the relationship. Had the same study been run in a course where nearly everyone studies 8–12 hours a week, the SD might be around 1.2, and the identical coefficient would become $1.12 \times 1.2 \approx 1.3$ points per SD. Now studying is "less important" than GPA, and nothing about how studying affects scores has changed.

I've seen two papers on the same intervention reach opposite "which matters more" conclusions for exactly this reason: one sampled a much more homogeneous population than the other.
`,
      replies: [
        {
          key: 'p5c3',
          author: 'mirela',
          hoursAfterPost: 7,
          body: md`
That's a fair criticism, and I should have said it in the post. Standardising answers "which variable accounts for more of the variation *in this population*", which is a legitimate question but not the same as "which lever is bigger". For the lever question, raw coefficients in a meaningful unit (an hour, a grade point), plus an explicit judgement about what size of change is realistic, are more honest.
`,
          replies: [
            {
              key: 'p5c4',
              author: 'tomasz',
              hoursAfterPost: 9,
              body: md`
Agreed. The "what size of change is realistic" judgement is what actually carries the argument, and it's better to make it out loud than to let a sample SD make it for you.
`,
            },
          ],
        },
      ],
    },
    {
      key: 'p5c5',
      author: 'ada_k',
      hoursAfterPost: 18,
      body: md`
On the footnote: how much do robust standard errors help when the constant-variance assumption fails?
`,
      replies: [
        {
          key: 'p5c6',
          author: 'mirela',
          hoursAfterPost: 20,
          body: md`
They fix the standard errors, not the coefficients. OLS estimates stay unbiased when $\mathrm{Var}(\varepsilon_i \mid x_i)$ varies with $x_i$, but the usual standard-error formula assumes it equals a single $\sigma^2$. Heteroskedasticity-robust ("sandwich") errors drop that assumption. With 412 observations they're a sensible default; in small samples the basic version is itself too optimistic, and the HC3 variant is the usual fix.
`,
        },
      ],
    },
  ],
};

const napkinBandit: DemoPost = {
  key: 'napkin-bandit',
  author: 'quinn-r',
  title: 'Explore or exploit? A bandit small enough to solve by hand',
  daysAgo: 9,
  body: md`
Most explanations of the explore/exploit tradeoff go straight to regret bounds. I want to start with a problem small enough to solve on a napkin, because the napkin answer is surprising, and it shows what all the fancier algorithms are trying to approximate.

## The napkin problem

There are two slot machines, paying $5 and $10 per pull respectively when they pay at all. The left machine is a known quantity: it pays out on every pull, guaranteed. The right machine is one of two kinds, and you don't know which. Either it pays out on every pull, or it never pays anything.

You get $T$ pulls in total, and your prior probability that the right machine is the good kind is $\theta$. Because the right machine is deterministic, a single pull tells you everything about it, so only two strategies are worth considering:

- **Exploit:** pull left every time, for a total of $5T$.
- **Explore once:** pull right once. If it pays (probability $\theta$), keep pulling it, for a total of $10T$. If it doesn't, switch to the left machine for the remaining $T - 1$ pulls, for a total of $5(T - 1)$.

Exploring is better when $10\theta T + 5(1 - \theta)(T - 1) > 5T$. Expand and cancel, and the condition becomes $\theta(T + 1) > 1$:

$$
\text{explore} \iff \theta > \frac{1}{T + 1}.
$$

With a horizon of 100 pulls, you should try the right machine if you give it even a 1% chance of being good. The immediate expected payout of a right pull is only $10\theta$, which is about 0.1 against a sure 5, so on a one-pull view exploring looks absurd. It pays because one success is worth a hundred pulls of extra income, while one failure costs a single pull.

For $T = 1$ the threshold is $\theta > 1/2$, which is exactly the myopic rule "pick whichever arm has the higher immediate expectation". Greedy is the special case where there is no future to learn for.

## Discounting instead of a horizon

If instead of a fixed horizon you discount future rewards by a factor $\gamma \in (0, 1)$ per pull, the same calculation gives

$$
\text{explore} \iff \theta > \frac{1 - \gamma}{2 - \gamma}.
$$

At $\gamma = 0.99$ the threshold is about $0.0099$, essentially the same as the $T = 100$ answer. That is as it should be, since $1/(1 - \gamma)$ acts as the effective horizon.

## What the napkin teaches

A few lessons carry over to realistic bandits, where arms are noisy and each pull reveals only a little:

1. **The value of information depends on how long you'll use it.** Exploration is worth more early on, and in long-lived systems, than late or in short campaigns.
2. **Greedy never explores on purpose.** Any policy that only maximises immediate expected reward can lock onto a mediocre arm forever.
3. **Optimism is cheap when failures are cheap.** The asymmetry (one pull to lose, many to gain) is the whole story. Upper-confidence-bound methods encode it by acting as if each arm were as good as it could plausibly be.

## A practical default

For Bernoulli rewards, Thompson sampling is a good default: keep a Beta posterior for each arm, draw one sample from each posterior, and pull the arm with the highest draw. Each arm then gets pulled with exactly the posterior probability that it is the best arm, so uncertain arms get tried in proportion to how plausibly they could win.

${FENCE}ts
type Arm = { successes: number; failures: number };

function gaussian(): number {
  const u = 1 - Math.random(); // in (0, 1], so the log is finite
  const v = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// Marsaglia–Tsang gamma sampler; valid for shape >= 1.
function sampleGamma(shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x = 0;
    let v = 0;
    do {
      x = gaussian();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = Math.random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function sampleBeta(a: number, b: number): number {
  const x = sampleGamma(a);
  const y = sampleGamma(b);
  return x / (x + y);
}

// Beta(1, 1) priors, so both shapes are always >= 1.
export function chooseArm(arms: Arm[]): number {
  let best = 0;
  let bestDraw = -Infinity;
  arms.forEach((arm, i) => {
    const draw = sampleBeta(1 + arm.successes, 1 + arm.failures);
    if (draw > bestDraw) {
      best = i;
      bestDraw = draw;
    }
  });
  return best;
}
${FENCE}

Thompson sampling is not optimal in the napkin sense, since it ignores the horizon entirely. But it explores in proportion to plausibility, and that captures most of what the napkin solution does.
`,
  comments: [
    {
      key: 'p6c1',
      author: 'mirela',
      hoursAfterPost: 1,
      body: md`
The $T = 1$ case reducing to the myopic rule is a lovely check. I'd never seen the threshold written as $1/(T + 1)$, and it makes the dependence on the horizon impossible to miss.
`,
      replies: [
        {
          key: 'p6c2',
          author: 'quinn-r',
          hoursAfterPost: 3,
          body: md`
Thanks! It's my favourite sanity check for any bandit argument: set the horizon to one and you should recover greedy. If you don't, something has gone wrong.
`,
          replies: [
            {
              key: 'p6c3',
              author: 'ada_k',
              hoursAfterPost: 6,
              body: md`
This connects nicely to the scoring-rules posts: the information from the first pull has value only because there's a later decision that uses it. No future decisions, no value of information.
`,
              replies: [
                {
                  key: 'p6c4',
                  author: 'tomasz',
                  hoursAfterPost: 9,
                  body: md`
And there's the same convexity picture underneath. The optimal expected payoff, as a function of your belief $\theta$, is a maximum over policies of functions that are linear in $\theta$, hence convex. Your posterior $\theta'$ after a pull has expectation $\theta$, so by Jensen $\mathbb{E}[V(\theta')] \ge V(\theta)$. That's why the value of information is never negative, and it's the same tangent-line argument as in Ada's post on proper scoring rules.
`,
                },
              ],
            },
          ],
        },
      ],
    },
    {
      key: 'p6c5',
      author: 'tomasz',
      hoursAfterPost: 14,
      body: md`
Minor code note: ${code('gaussian()')} throws away the sine half of the Box–Muller pair. Harmless for a demo, but it doubles the number of logs and square roots per sample.
`,
      replies: [
        {
          key: 'p6c6',
          author: 'quinn-r',
          hoursAfterPost: 16,
          body: md`
Guilty. Caching the second value needs a bit of module-level state, and for a blog snippet I preferred a pure function. In production I'd use a library sampler anyway.
`,
        },
      ],
    },
  ],
};

const weakEvidence: DemoPost = {
  key: 'updating-on-weak-evidence',
  author: 'tomasz',
  title: 'Updating on weak evidence: likelihood ratios near one',
  daysAgo: 4,
  body: md`
Most evidence is weak. A colleague's offhand remark, a single noisy benchmark, a small study that points one way: each of these should move you, but only a little. I think people get weak evidence wrong in two opposite ways, and the odds form of Bayes' rule makes both errors easy to see.

## Odds and log-odds

Bayes' rule in odds form reads

$$
\frac{P(H \mid E)}{P(\neg H \mid E)} = \frac{P(E \mid H)}{P(E \mid \neg H)} \cdot \frac{P(H)}{P(\neg H)}.
$$

The middle factor is the likelihood ratio $\Lambda$. Taking logs turns multiplication into addition: if $\ell = \log\frac{P(H)}{1 - P(H)}$ is your log-odds, each piece of evidence adds $\log \Lambda$ to it. The same structure appears in any parametric model. Comparing two parameter values $\theta_1$ and $\theta_0$ after seeing data $x$ means adding $\log p(x \mid \theta_1) - \log p(x \mid \theta_0)$ to the prior log-odds.

Weak evidence means $\Lambda$ close to 1, so $\log\Lambda$ close to 0. A ratio of $1.2$ adds about $0.18$ to the log-odds (natural logs throughout).

## How much does 1.2 move you?

It depends on where you start, because the map from log-odds back to probability has slope \(\frac{dp}{d\ell} = p(1 - p)\), which is steepest at one half and flat near the ends. Multiplying the odds by 1.2:

- from 1% you move to about 1.2%;
- from 50% you move to about 54.5%;
- from 90% you move to about 91.5%.

The same evidence moves a coin-flip belief by four and a half percentage points and a 1% belief by a fifth of a point. That is correct behaviour, not a bug. But it means "this barely changed my mind" is not, on its own, a sign that you ignored something.

## Error one: rounding to zero

Each weak piece of evidence, considered alone, seems not worth updating on. But log-odds add. Ten *independent* pieces, each with $\Lambda = 1.2$, multiply the odds by $1.2^{10} \approx 6.2$, taking a 50% prior to about 86%. If you rounded each of them to "no real evidence", you would stay at 50% and be badly miscalibrated. The old bookbag-and-poker-chip experiments found this pattern of under-updating: people shown a stream of modestly diagnostic draws ended up far less confident than Bayes' rule says they should have been.

## Error two: double counting

The opposite error is treating correlated evidence as independent. The honest version of the sum is

$$
\ell_{\text{post}} = \ell_{\text{prior}} + \sum_{i=1}^{n} \log \frac{P(E_i \mid H, E_1, \dots, E_{i-1})}{P(E_i \mid \neg H, E_1, \dots, E_{i-1})}.
$$

Each term is conditioned on everything that came before it. If the ten pieces of evidence are ten people repeating the same rumour, then once the rumour is circulating, each further report is almost as likely under $\neg H$ as under $H$, and those terms are close to zero. The total is closer to $\log 1.2$ than to $10 \log 1.2$.

So the working rule is: *add up weak evidence, but only after asking what each new piece tells you that the previous pieces didn't.* In practice the hard part is almost never the arithmetic. It is deciding how much two sources share.

## A note on estimating small ratios

When $\Lambda$ is near 1, your estimate of it is often noisier than its distance from 1. If you think a ratio is 1.2 but it could easily be 0.9, you don't know the sign of the update. In that situation I find it useful to write down an interval for $\log\Lambda$ rather than a point, and to notice when the interval straddles zero. Evidence whose direction you can't pin down deserves little weight, however many words were spent on it.
`,
  comments: [
    {
      key: 'p7c1',
      author: 'ada_k',
      hoursAfterPost: 2,
      body: md`
The $p(1 - p)$ slope is also why the log score punishes overconfidence so hard: near the ends, a small change in probability is a large change in log-odds, and the log score is keeping count in log-odds-like units.
`,
    },
    {
      key: 'p7c2',
      author: 'quinn-r',
      hoursAfterPost: 5,
      body: md`
How do you estimate a ratio like 1.2 in practice? I honestly can't tell 1.2 from 1.5 by gut feel.
`,
      replies: [
        {
          key: 'p7c3',
          author: 'tomasz',
          hoursAfterPost: 7,
          body: md`
Neither can I, directly. What helps me is counting worlds: in 100 worlds where $H$ is true, in how many would I see this? And in 100 where it's false? If the answers are 60 and 50, that's $\Lambda = 1.2$. Each count is easier to argue about than the ratio, and when I can't separate the two counts at all, I take that as the answer: the evidence is close to uninformative.
`,
          replies: [
            {
              key: 'p7c4',
              author: 'quinn-r',
              hoursAfterPost: 10,
              body: md`
The hundred-worlds framing is much easier to reason with. Thanks, I'll try it on the next design review.
`,
            },
          ],
        },
      ],
    },
    {
      key: 'p7c5',
      author: 'mirela',
      hoursAfterPost: 20,
      body: md`
The double-counting case shows up constantly in literature reviews: ten articles that all trace back to one press release, or several meta-analyses that share most of their included studies. Counting sources is not counting evidence.
`,
    },
  ],
};

const goodhartModes: DemoPost = {
  key: 'four-kinds-of-goodhart',
  author: 'mirela',
  title: "Goodhart's law is at least four different failure modes",
  daysAgo: 1,
  body: md`
"Goodhart's law" has turned into a shrug: someone points at a metric that went wrong, says the name, and the conversation ends. I think it deserves more than that, because the phrase covers several mechanisms with different diagnoses and different fixes. The taxonomy below follows the four categories proposed by Manheim and Garrabrant, with my own examples and one small calculation.

> Paraphrasing the usual version: once you lean on a measurement hard enough, it starts reporting on the leaning rather than on the thing you wanted to measure.

Throughout, $V$ is the thing we care about and $U$ is the proxy we can measure and optimise.

## 1. Regressional: selecting on noise

Suppose $U = V + X$, where $X$ is noise independent of $V$, and both are normal with mean zero. If you pick the candidates with the highest $U$, you are partly picking high $V$ and partly picking lucky $X$. The expected value of the goal given the proxy is

$$
\mathbb{E}[V \mid U = u] = \frac{\sigma_V^2}{\sigma_V^2 + \sigma_X^2}\,u.
$$

With equal variances the factor is one half. A candidate two standard deviations above the mean on the proxy, where $\mathrm{sd}(U) = \sqrt{2}\,\sigma_V$, is expected to be only about $1.4$ standard deviations above the mean on the goal. Nothing adversarial happened: selection on a noisy measure simply regresses toward the mean.

*Fix:* shrink. If you know the reliability of your measure, discount extreme scores accordingly, especially when choosing the single best out of many.

## 2. Extremal: leaving the range where the relationship held

The correlation between $U$ and $V$ was observed over ordinary cases. Push $U$ far enough and you reach places where the relationship was never tested. Time on page tracks reader interest for normal articles; at the extreme, the pages with the longest time on page are often the ones where readers got lost.

*Fix:* cap the optimisation, or keep checking $V$ directly in the region you are pushing into.

## 3. Causal: the proxy was a symptom

Sometimes $U$ and $V$ are correlated because both are driven by something else. Students who come to office hours tend to get better grades, partly because engaged students do both. Making attendance mandatory raises $U$ without touching the common cause, so $V$ barely moves. In causal notation, $P(V \mid U = u)$ and $P(V \mid \mathrm{do}(U = u))$ are different objects, and setting a target for a metric is always a $\mathrm{do}$.

*Fix:* before targeting a proxy, ask whether intervening on it would change the goal. That is a question about mechanisms, not correlations.

## 4. Adversarial: someone else is optimising too

Once a metric has consequences, the people being measured learn to move it in the cheapest way available, and the cheapest way is rarely the one that also moves $V$. Citation counts invite citation rings; test scores invite teaching to the test.

*Fix:* measure things that are expensive to fake, rotate metrics, and keep some evaluation qualitative and unannounced.

## Why the distinction matters

The four failures call for different responses, and the wrong response can make things worse:

- shrinking estimates does nothing about an adversary;
- auditing for gaming does nothing about regression to the mean;
- collecting more data in the ordinary range does nothing about extremal failure.

When a metric disappoints, my first question now is not "is this Goodhart?" but "which one?"
`,
  comments: [
    {
      key: 'p8c1',
      author: 'tomasz',
      hoursAfterPost: 3,
      body: md`
Worth noting that the shrinkage factor $\sigma_V^2/(\sigma_V^2 + \sigma_X^2)$ is exactly what psychometricians call reliability, so for many tests it has already been estimated. People just don't apply it when they rank.
`,
    },
    {
      key: 'p8c2',
      author: 'ada_k',
      hoursAfterPost: 6,
      body: md`
Proper scoring rules are an interesting partial counterexample: they're metrics designed so that optimising them is the same as reporting what you believe. But they're only immune *within* a question. People can still game which questions they answer, since picking easy ones inflates an average score, so the adversarial version comes back one level up.
`,
      replies: [
        {
          key: 'p8c3',
          author: 'mirela',
          hoursAfterPost: 8,
          body: md`
Yes, and that's a neat illustration of the general pattern: closing one channel for gaming tends to move the gaming to whatever is left unmeasured. The standard tournament fix, scoring everyone on a common set of questions or relative to the crowd on each question, is precisely a way of measuring the channel that was left open.
`,
        },
      ],
    },
  ],
};

export const demoPosts: DemoPost[] = [
  properScoringRules,
  calibrationResolution,
  poolingForecasts,
  gradientDescentRate,
  regressionTable,
  napkinBandit,
  weakEvidence,
  goodhartModes,
];

// ---------------------------------------------------------------------------------------------------------
// Sequences
// ---------------------------------------------------------------------------------------------------------

export const demoSequences: DemoSequence[] = [
  {
    title: 'Scoring the Future',
    author: 'ada_k',
    description: md`
A short introduction to evaluating and combining probabilistic forecasts. We start with what makes a
scoring rule **proper**, split the Brier score into calibration and resolution, and finish with how to
pool many forecasters into one probability.

You need basic probability and not much else: if you are comfortable with $\mathbb{E}[X]$ and with
$\log$, you have the prerequisites.
`,
    chapters: [
      { title: 'Scoring a single forecaster', postKeys: ['proper-scoring-rules', 'calibration-and-resolution'] },
      { title: 'Many forecasters', postKeys: ['pooling-forecasts'] },
    ],
  },
];
