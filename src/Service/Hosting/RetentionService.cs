using Microsoft.Extensions.Options;
using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Hosting;

/// <summary>Applies the store's retention limits at start and every <see cref="ServiceOptions.RetentionInterval"/>.</summary>
internal sealed partial class RetentionService(RunCoordinator runs, IOptions<ServiceOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.RetentionMaxAge <= TimeSpan.Zero && o.RetentionMaxBytes <= 0)
        {
            return;
        }

        var interval = o.RetentionInterval > TimeSpan.Zero ? o.RetentionInterval : TimeSpan.FromMinutes(10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                runs.ApplyRetention();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.RetentionFailed(logger, e);
            }

            await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "Retention could not be applied")]
        public static partial void RetentionFailed(ILogger logger, Exception error);
    }
}
