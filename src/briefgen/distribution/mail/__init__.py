"""Take briefs and the PDFs `build` wrote for them; give e-mail: a message per brief and language, and its
delivery to a list of readers, each in their language.

`compose` (message.py) makes each briefing's RFC 5322 message: an HTML body made for mail clients and its
text/plain alternative (body.py), the PDF attached, headers read from the brief. `recipients.read` (recipients.py)
reads and checks a distribution list; `deliver` (smtp.py) sends each reader their message through SMTP, one
reader at a time, and keeps a record of what was sent (record.py) so that nothing is sent twice. The mail
options come from the project file (options.py).
"""

from __future__ import annotations
