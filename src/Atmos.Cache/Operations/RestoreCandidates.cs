namespace Atmos.Cache.Operations;

/// <summary>
/// The keys a restore may still try: the exact key, then the restore-key prefixes in order. After an
/// untrusted match, the key or prefix that found it is used up and the lookup goes on from the next.
/// </summary>
internal sealed class RestoreCandidates(string key, IReadOnlyList<string> restoreKeys)
{
    private readonly string _exactKey = key;
    private readonly IReadOnlyList<string> _restoreKeys = restoreKeys;

    // 0 = the exact key is still in play; n > 0 = only restore keys from index n - 1 on.
    private int _next;

    public bool Remaining => _next <= _restoreKeys.Count;

    /// <summary>The exact key to ask the backend for: the real key first, later the next prefix itself.</summary>
    public string Key => _next == 0 ? _exactKey : _restoreKeys[_next - 1];

    /// <summary>The prefixes to ask for (a later round repeats its first prefix, so it still matches as a prefix).</summary>
    public IReadOnlyList<string> RestoreKeys => _next == 0 ? _restoreKeys : [.. _restoreKeys.Skip(_next - 1)];

    /// <summary>Gives up the key or prefix (at or after the current one) that matched <paramref name="matchedKey"/>.</summary>
    public void SkipPast(string matchedKey)
    {
        if (_next == 0 && string.Equals(matchedKey, _exactKey, StringComparison.Ordinal))
        {
            _next = 1;
            return;
        }

        for (var i = Math.Max(_next, 1); i <= _restoreKeys.Count; i++)
        {
            if (matchedKey.StartsWith(_restoreKeys[i - 1], StringComparison.Ordinal))
            {
                _next = i + 1;
                return;
            }
        }

        // Matched by none of them (the service matched differently): stop rather than loop.
        _next = _restoreKeys.Count + 1;
    }
}
