using Atmos.Cache.Archiving;
using Atmos.Cache.Backends;

namespace Atmos.Cache.Operations;

/// <summary>
/// One round of a restore. The extraction's options are made once the backend reports its match
/// (the signature covers the matched key); the attempt remembers that match, so a failure of the
/// extraction can name (and remove) the entry it came from.
/// </summary>
internal sealed class RestoreAttempt(Func<CacheMatch, ExtractOptions> optionsFor)
{
    /// <summary>The entry being restored, once the backend found one.</summary>
    public CacheMatch? Match { get; private set; }

    public ExtractOptions OptionsFor(CacheMatch match)
    {
        Match = match;
        return optionsFor(match);
    }
}
