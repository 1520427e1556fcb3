using System.Globalization;
using Spectre.Console;

namespace NetnsPolicy.Cli.Terminal;

/// <summary>Shows the progress of long work: a Spectre.Console bar on a terminal, a line per tenth otherwise.</summary>
internal static class ProgressView
{
    /// <summary>Runs <paramref name="work"/>, handing it a callback taking (fraction done 0–1, what is happening).</summary>
    public static async Task<T> RunAsync<T>(CliConsole console, string title, Func<Action<double, string>, Task<T>> work)
    {
        if (!console.Interactive)
        {
            var plain = new PlainProgress(console.Error, title);
            var result = await work(plain.Report).ConfigureAwait(false);
            plain.Finish();
            return result;
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
        return await terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                var result = await work((fraction, what) =>
                {
                    task.Value = Math.Clamp(fraction, 0, 1);
                    task.Description = Markup.Escape(what.Length == 0 ? title : $"{title}: {what}");
                }).ConfigureAwait(false);
                task.Value = 1.0;
                task.Description = Markup.Escape(title);
                return result;
            }).ConfigureAwait(false);
    }

    /// <summary>One line each time another tenth is done, so a CI log shows movement without flooding.</summary>
    private sealed class PlainProgress(TextWriter error, string title)
    {
        private readonly Lock _gate = new();
        private int _lastTenth = -1;

        public void Report(double fraction, string what)
        {
            var tenth = (int)Math.Floor(Math.Clamp(fraction, 0, 1) * 10);
            lock (_gate)
            {
                if (tenth <= _lastTenth || tenth >= 10)
                {
                    return;
                }

                _lastTenth = tenth;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {tenth * 10,3}% {what}"));
            }
        }

        public void Finish()
        {
            lock (_gate)
            {
                error.WriteLine($"{title}: 100% done");
            }
        }
    }
}
