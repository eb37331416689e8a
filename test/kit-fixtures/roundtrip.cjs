// What every fixture test asserts against the broker it was given: kafkajs produces two records to a new topic
// and a consumer group reads them back from the start.
const { Kafka, logLevel } = require('kafkajs');

async function roundTrip(bootstrap, topic) {
  const kafka = new Kafka({ clientId: topic, brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await producer.connect();
  try {
    // One key: one partition, so the consumer sees the records in the order they were sent.
    await producer.send({
      topic,
      messages: [
        { key: 'same', value: 'one' },
        { key: 'same', value: 'two' },
      ],
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values = [];
    await new Promise((resolve, reject) => {
      const collect = async ({ message }) => {
        values.push(String(message.value));
        if (values.length === 2) resolve();
      };
      consumer.run({ eachMessage: collect }).catch(reject);
    });
    return values;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

module.exports = { roundTrip };
