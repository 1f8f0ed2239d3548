// compose-test's SMTP sink (the `mail` profile's Mailpit cannot be pulled here): accepts every
// mail on port 1025 and prints one JSON line per mail ({"mail":{"to":[...],"subject":"..."}}),
// which compose-test reads from the container's log. Plain node:net, no dependencies.
'use strict';
const net = require('node:net');

net
  .createServer((socket) => {
    let buffer = '';
    let inData = false;
    let to = [];
    let body = '';
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 compose-test mail sink');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line !== '.') {
            body += `${line}\n`;
            continue;
          }
          inData = false;
          const subject = /^Subject: (.*)$/im.exec(body)?.[1] ?? '';
          process.stdout.write(`${JSON.stringify({ mail: { to, subject } })}\n`);
          reply('250 accepted');
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 compose-test');
        else if (verb === 'MAIL') {
          to = [];
          body = '';
          reply('250 ok');
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 ok');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with .');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        }
        else reply('250 ok');
      }
    });
    socket.on('error', () => {});
  })
  .listen(Number(process.env.PORT ?? 1025), '0.0.0.0');
