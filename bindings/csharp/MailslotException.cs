// SPDX-License-Identifier: MIT
// MailslotException.cs -- the errors of the Mailslot binding.
//
// Every failing libmailslot call surfaces as one of:
//   MailslotTimeoutException (a System.TimeoutException)  code -5, nothing arrived in time
//   System.ObjectDisposedException                        the Reader/Writer was closed
//                                                         (also a read woken by Dispose)
//   MailslotException                                     any other code
// MailslotException.Code and MailslotTimeoutException.Code carry the library's
// negative MAILSLOT_E_* number (see ErrorCode).

namespace Mailslot
{
    using System;

    /// <summary>The library's error codes (MAILSLOT_E_*); the numbers are ABI.</summary>
    public static class ErrorCode
    {
        public const int Invalid = -1;
        public const int Name = -2;
        public const int Exists = -3;
        public const int NotFound = -4;
        public const int Timeout = -5;
        public const int TooBig = -6;
        public const int Buffer = -7;
        public const int Full = -8;
        public const int Interrupted = -9;
        public const int Closed = -10;
        public const int NoMemory = -11;
        public const int Access = -12;
        public const int Network = -13;
        public const int System = -14;
    }

    /// <summary>A libmailslot failure; <see cref="Code"/> is the MAILSLOT_E_* number.</summary>
    public class MailslotException : Exception
    {
        /// <summary>Creates an exception for a library error code.</summary>
        public MailslotException(int code, string message) : base(message)
        {
            Code = code;
        }

        /// <summary>The negative MAILSLOT_E_* code (see <see cref="ErrorCode"/>).</summary>
        public int Code { get; private set; }

        /// <summary>The exception that the binding throws for a code.</summary>
        public static Exception FromCode(int code, string message)
        {
            string text = message + " (code " + code + ")";
            switch (code)
            {
                case ErrorCode.Timeout:
                    return new MailslotTimeoutException(code, text);
                case ErrorCode.Closed:
                    return new ObjectDisposedException(null, text);
                default:
                    return new MailslotException(code, text);
            }
        }
    }

    /// <summary>A read that timed out: a <see cref="TimeoutException"/> with the code.</summary>
    public class MailslotTimeoutException : TimeoutException
    {
        /// <summary>Creates a timeout exception.</summary>
        public MailslotTimeoutException(int code, string message) : base(message)
        {
            Code = code;
        }

        /// <summary>Always <see cref="ErrorCode.Timeout"/>.</summary>
        public int Code { get; private set; }
    }
}
