using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

[TestFixture]
public sealed class NelderMeadTests
{
    [Test]
    public void Minimise_ShiftedQuadratic_FindsMinimum()
    {
        var (x, f, evaluations) = NelderMead.Minimise(v => Math.Pow(v[0] - 3, 2) + (10 * Math.Pow(v[1] + 1, 2)), [0, 0], 1, 500, 1e-12, CancellationToken.None);

        Assert.That(x[0], Is.EqualTo(3).Within(1e-3));
        Assert.That(x[1], Is.EqualTo(-1).Within(1e-3));
        Assert.That(f, Is.LessThan(1e-6));
        Assert.That(evaluations, Is.LessThanOrEqualTo(500));
    }

    [Test]
    public void Minimise_EvaluationBudget_StopsAtBudget()
    {
        var calls = 0;
        NelderMead.Minimise(v => { calls++; return Math.Pow(v[0] - 100, 2); }, [0], 1, 20, 0, CancellationToken.None);

        Assert.That(calls, Is.LessThanOrEqualTo(20 + 2));
    }

    [Test]
    public void Minimise_SameInput_SameResult()
    {
        static double Rosenbrock(double[] v) => Math.Pow(1 - v[0], 2) + (100 * Math.Pow(v[1] - (v[0] * v[0]), 2));
        var a = NelderMead.Minimise(Rosenbrock, [-1, 1], 0.5, 300, 1e-10, CancellationToken.None);
        var b = NelderMead.Minimise(Rosenbrock, [-1, 1], 0.5, 300, 1e-10, CancellationToken.None);

        Assert.That(b.X, Is.EqualTo(a.X));
        Assert.That(a.F, Is.LessThan(Rosenbrock([-1, 1])));
    }
    [Test]
    public void MinimiseRobust_SteppedObjective_ReachesTheLowestPiece()
    {
        // A quadratic read through steps of 0.25 (as a simulated teardown moves in whole grace periods): flat pieces
        // with jumps between them, the minimum piece around (2, -1).
        static double Stepped(double[] v) => Math.Pow(Math.Round(v[0] * 4) / 4 - 2, 2) + Math.Pow(Math.Round(v[1] * 4) / 4 + 1, 2);
        var plain = NelderMead.Minimise(Stepped, [0, 0], 0.1, 200, 1e-4, CancellationToken.None);
        var robust = NelderMead.MinimiseRobust(Stepped, [0, 0], 0.3, 200, 1e-4, CancellationToken.None);

        Assert.That(plain.F, Is.GreaterThan(0.1), "a simplex inside one flat piece shrinks there and stops");
        Assert.That(robust.F, Is.EqualTo(0), "the compass steps cross the jumps down to the lowest piece");
        Assert.That(robust.Evaluations, Is.LessThanOrEqualTo(200));
    }
}
