// SPDX-License-Identifier: MIT
// ReaderValues.cs -- the option keys of Reader.GetInt, the constructors of
// Reader.Stats()'s ReaderStats, and how optional constructor arguments reach
// the native layer. StatKey and ReaderStats' counters are generated from
// abi/constants.txt (Tables.cs, cmake/constants.cmake).

namespace Mailslot
{
    /// <summary>The library's option keys (MAILSLOT_OPT_*); the numbers are ABI.
    /// <see cref="Reader.GetInt(OptionKey)"/> reads MaxMessageSize .. Port and Keys .. Legacy;
    /// Ttl, Domain, Interface and NetbiosName are constructor arguments only.</summary>
    public enum OptionKey
    {
        MaxMessageSize = 1,
        ReadTimeout = 2,
        QueueLimit = 3,
        AllowAnyUser = 4,
        Network = 5,
        Port = 6,
        Ttl = 7,
        Domain = 8,
        Interface = 9,
        /// <summary>Network keys as key file text; read back: the number of keys.</summary>
        Keys = 10,
        /// <summary>A key file's path; read back: the number of keys.</summary>
        KeyFile = 11,
        /// <summary>1 signs, 2 signs and encrypts (writers).</summary>
        Suite = 12,
        /// <summary>Sequences remembered per sender, 64..1024 in steps of 64 (readers).</summary>
        ReplayWindow = 13,
        /// <summary>How far a timestamp may be from the reader's clock, in ms (readers).</summary>
        TimeWindow = 14,
        /// <summary>1: also accept messages without authentication (readers).</summary>
        AuthMigration = 15,
        /// <summary>1: log dropped messages (stderr, or <see cref="Log.Message"/>) (readers).</summary>
        AuthLog = 16,
        /// <summary>1: legacy mode, the remote-mailslot format of Windows hosts (UDP port 138).</summary>
        Legacy = 17,
        /// <summary>This host's NetBIOS name in legacy mode (a string; a constructor argument only).</summary>
        NetbiosName = 18,
    }

    /// <summary>What <see cref="Reader.Stats"/> reports: the counters of network messages.
    /// Its properties (one per counter, as StatKey names it) and NetDropped are generated from
    /// abi/constants.txt (Tables.cs); the constructors below are those of release 1.1 and
    /// stay as they are: a counter added later is 0 in what they make.</summary>
    public partial struct ReaderStats
    {
        /// <summary>Creates a snapshot of the counters of a reader without keys (the
        /// authentication counters are 0).</summary>
        public ReaderStats(long netReceived, long netMalformed, long netUnknownVersion,
                           long netMisaddressed, long netDuplicate, long netOverLimit)
            : this(netReceived, netMalformed, netUnknownVersion, netMisaddressed, netDuplicate,
                   netOverLimit, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        {
        }

        /// <summary>Creates a snapshot.</summary>
        public ReaderStats(long netReceived, long netMalformed, long netUnknownVersion,
                           long netMisaddressed, long netDuplicate, long netOverLimit,
                           long authNone, long authUnknownKey, long authBadTag, long authReplay,
                           long authStale, long authFuture, long authTableFull, long authVerified,
                           long authUnverified) : this()
        {
            NetReceived = netReceived;
            NetMalformed = netMalformed;
            NetUnknownVersion = netUnknownVersion;
            NetMisaddressed = netMisaddressed;
            NetDuplicate = netDuplicate;
            NetOverLimit = netOverLimit;
            AuthNone = authNone;
            AuthUnknownKey = authUnknownKey;
            AuthBadTag = authBadTag;
            AuthReplay = authReplay;
            AuthStale = authStale;
            AuthFuture = authFuture;
            AuthTableFull = authTableFull;
            AuthVerified = authVerified;
            AuthUnverified = authUnverified;
        }
    }

    /// <summary>Optional constructor arguments as the native layer takes them: a value,
    /// or Unset for "not given" (the environment and the library's defaults decide).</summary>
    internal static class OptionValue
    {
        /// <summary>The shim's MS_UNSET.</summary>
        internal const long Unset = long.MinValue;

        internal static long Of(bool? value)
        {
            return value.HasValue ? (value.Value ? 1 : 0) : Unset;
        }

        internal static long Of(int? value)
        {
            return value.HasValue ? value.Value : Unset;
        }
    }
}
