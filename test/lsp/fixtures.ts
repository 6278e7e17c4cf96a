// Documents shared by the LSP protocol tests.

/** A cheap closed-form experiment with a sweep, a passing and a failing expectation, and a plot. */
export const QUAD = `let c0 = 1
experiment quad "closed form" {
  let b = -6
  sweep a = [1, 2, 4]
  solve q = demo.quadratic(a = a, b = b, c = c0)
  expect q.x_min[a = 2] == 1.5
  expect q.x_min > 1
  plot "minimiser" {
    x = a label "a" scale log
    y = q.x_min label "x*"
  }
}
`;
