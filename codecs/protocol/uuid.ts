// Topic ids are UUIDs in canonical string form, the representation the generated codecs use.
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
