using System.Globalization;
using System.Text;
using System.Xml;

namespace NetnsPolicy.Tournaments.Rendering;

/// <summary>
/// JUnit XML: one test suite per gate, one test case per policy entry × track (classname
/// <c>tournament.NAME.GATE</c>, name <c>ENTRY @ TRACK</c>). No timestamps or durations, so the file is deterministic.
/// </summary>
internal static class TournamentJUnit
{
    public static string Write(TournamentResult result)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n", OmitXmlDeclaration = false };
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "tournament " + result.Name);
            WriteCounts(xml, result.Gates);
            foreach (var gate in result.Gates.GroupBy(g => g.Gate))
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", gate.Key);
                WriteCounts(xml, gate.ToArray());
                foreach (var outcome in gate)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", $"tournament.{result.Name}.{outcome.Gate}");
                    xml.WriteAttributeString("name", $"{outcome.Entry} @ {outcome.Track}");
                    switch (outcome.Status)
                    {
                        case GateStatus.Fail:
                            xml.WriteStartElement("failure");
                            xml.WriteAttributeString("message", outcome.Message);
                            xml.WriteAttributeString("type", outcome.Kind);
                            xml.WriteString(outcome.Message);
                            xml.WriteEndElement();
                            break;
                        case GateStatus.Skipped:
                            xml.WriteStartElement("skipped");
                            xml.WriteAttributeString("message", outcome.Message);
                            xml.WriteEndElement();
                            break;
                        default:
                            xml.WriteElementString("system-out", outcome.Message);
                            break;
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteCounts(XmlWriter xml, IReadOnlyCollection<GateOutcome> outcomes)
    {
        xml.WriteAttributeString("tests", outcomes.Count.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", outcomes.Count(o => o.Status == GateStatus.Fail).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", outcomes.Count(o => o.Status == GateStatus.Skipped).ToString(CultureInfo.InvariantCulture));
    }
}
