using System.Xml.Linq;
using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.Unit;

/// <summary>The targets decide "inactive" before any task loads, so they spell the reasons themselves; they must spell the engine's.</summary>
[TestClass]
public sealed class InactiveReasonsTests
{
    [TestMethod]
    [DataRow(InactiveReasons.Disabled)]
    [DataRow(InactiveReasons.BackendNone)]
    [DataRow(InactiveReasons.NoCiService)]
    public void TheTargetsGiveTheSameReasonAsTheTasks(string reason)
    {
        var targets = XDocument.Load(RepositoryRoot.Combine("build", "AtmosCache.Common.targets"));
        var reasons = targets.Descendants().Where(e => e.Name.LocalName == "_AtmosCacheInactiveReason").Select(e => e.Value).ToList();

        CollectionAssert.Contains(reasons, reason);
    }
}
