// The protocol property again, in the 'data' layout (object-store's UploadLayout): the OSS-protocol server
// refuses a Complete that leaves out a part, as radosgw does, and the store is declared to lack
// completeOmitsParts — the whole adversary (faults, overlaps, clock, junk) against the layout s3a:// uses
// on radosgw. PROTOCOL_LAYOUT=data with the other file's variables replays a run of this one.
process.env['PROTOCOL_LAYOUT'] = 'data';
await import('./protocol.property.test.js');
