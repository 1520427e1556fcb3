using System.IO.Compression;
using System.Text;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// How a result's JSON and a run's report are kept (<c>results.body</c>, <c>runs.report_body</c>, schema 4): gzip
/// of their UTF-8 bytes. A result is mostly its time series and profile, indented: about 247 KB of JSON that gzip
/// makes about 37 KB (burst-1000-veth); it reads back byte for byte, so what clients get (<c>result_json</c>, the
/// report artifacts) and what reports are built from are unchanged. Written at <see cref="CompressionLevel.Fastest"/>
/// (a tournament's simulations wrote theirs at Optimal: 2–3% of its CPU, docs/benchmarks.md "Issue 16, fourth round");
/// reading does not depend on the level, so bodies stored at Optimal read back as before.
/// </summary>
internal static class ResultCompression
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static byte[] Compress(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var text = new StreamWriter(gzip, Utf8, bufferSize: 16 * 1024))
        {
            // Encoded in pieces: the whole UTF-8 copy of a result (≈ 333 KB) would be one more large-object allocation.
            text.Write(json);
        }

        return buffer.ToArray();
    }

    public static string Decompress(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var text = new StreamReader(gzip, Utf8, detectEncodingFromByteOrderMarks: false);
        return text.ReadToEnd();
    }
}
