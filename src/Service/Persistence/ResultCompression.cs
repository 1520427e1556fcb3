using System.IO.Compression;
using System.Text;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// How a result's JSON and a run's report are kept (<c>results.body</c>, <c>runs.report_body</c>, schema 4): gzip
/// of their UTF-8 bytes. A result is mostly its time series and profile, indented: about 247 KB of JSON that gzip
/// makes about 37 KB (burst-1000-veth); it reads back byte for byte, so what clients get (<c>result_json</c>, the
/// report artifacts) and what reports are built from are unchanged.
/// </summary>
internal static class ResultCompression
{
    public static byte[] Compress(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        return buffer.ToArray();
    }

    public static string Decompress(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var text = new StreamReader(gzip, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false);
        return text.ReadToEnd();
    }
}
