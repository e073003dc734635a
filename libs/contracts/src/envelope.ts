import 'reflect-metadata';
import { IsIn, IsInt, IsISO8601, IsString, IsUUID, MaxLength, Min, ValidateIf } from 'class-validator';
import { EVENT_TYPES, type EventData, type EventType } from './catalog.js';
import { SERVICE_NAMES, type ServiceName } from './services.js';

/** The envelope's own fields; `data` is validated separately against the type's payload class. */
export class EnvelopeFields {
  @IsUUID()
  id!: string;

  @IsIn(EVENT_TYPES)
  type!: EventType;

  @IsInt()
  @Min(1)
  version!: number;

  @IsIn(SERVICE_NAMES)
  source!: ServiceName;

  @IsISO8601({ strict: true })
  time!: string;

  @IsString()
  @MaxLength(256)
  subject!: string;

  /** The case id: every event of one case (today an incident, one target and one check) carries it. */
  @IsUUID()
  correlationId!: string;

  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  causationId!: string | null;
}

/** Distributes over a union of types, so `JarvisEventOf<'A' | 'B'>` narrows by `type`. */
export type JarvisEventOf<T extends EventType> = T extends EventType ? EventShape<T> : never;

type EventShape<T extends EventType> = {
  readonly id: string;
  readonly type: T;
  readonly version: number;
  readonly source: ServiceName;
  readonly time: string;
  readonly subject: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: EventData<T>;
};

export type JarvisEvent = { [T in EventType]: JarvisEventOf<T> }[EventType];

