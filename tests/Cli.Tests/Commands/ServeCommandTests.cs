using System.Text.RegularExpressions;
using NetnsPolicy.Cli.Tests.Support;

namespace NetnsPolicy.Cli.Tests.Commands;

/// <summary><c>serve</c> in the foreground, used by another invocation through <c>--server</c>, then stopped.</summary>
public sealed partial class ServeCommandTests
{
    [Test]
    public async Task Serve_ThenPoliciesWithServer_AnswersRemotelyAndStopsOnCancel()
    {
        using var folder = new TempFolder();
        using var stop = new CancellationTokenSource();
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = CliHarness.RunAsync(new LineWatcher(line =>
        {
            if (GrpcAddress().Match(line) is { Success: true } m)
            {
                announced.TrySetResult(m.Groups[1].Value);
            }
        }), stop.Token, "serve", "--port", "0", "--web-port", "-1", "--data", folder.Path);
        var address = await announced.Task.WaitAsync(CliHarness.Timeout).ConfigureAwait(false);

        var policies = await CliHarness.RunAsync("policies", "--server", address, "--format", "json").ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        var served = await serving.WaitAsync(CliHarness.Timeout).ConfigureAwait(false);

        Assert.That(policies.ExitCode, Is.EqualTo(ExitCodes.Ok), policies.ToString);
        Assert.That(policies.Out, Does.Contain("\"batching\"").And.Contain("\"rwsem\""));
        Assert.That(served.ExitCode, Is.EqualTo(ExitCodes.Ok), served.ToString);
        Assert.That(File.Exists(Path.Combine(folder.Path, "netns-policy.db")), Is.True);
    }

    [GeneratedRegex(@"gRPC (http://[^,\s]+)")]
    private static partial Regex GrpcAddress();

    /// <summary>Calls back with each complete line written.</summary>
    private sealed class LineWatcher(Action<string> onLine) : TextWriter
    {
        private readonly System.Text.StringBuilder _line = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                onLine(_line.ToString());
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
