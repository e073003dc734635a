import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** Who answered: a label for the log, not an identity (the token is the authentication). No control characters. */
const BY_PATTERN = /^[^\p{Cc}]*$/u;

/** Who answered, the same on approving and rejecting. */
abstract class AnswerBody {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(BY_PATTERN, { message: 'must not contain control characters' })
  by?: string;
}

export class ApproveBody extends AnswerBody {
  /** The digest the person saw: if the request differs now, nothing is granted (409). */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be a SHA-256 digest in hex (64 lower-case hex digits)' })
  digest?: string;
}

export class RejectBody extends AnswerBody {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  reason?: string;
}

export const DEFAULT_ANSWERED_BY = 'api';
