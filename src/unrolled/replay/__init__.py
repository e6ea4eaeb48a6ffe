"""The HTML replay: one iteration of a session, every step, as one offline web page.

`record` reads what the app shows at every step from the engine's own numbers; `page`
writes them with the player (player.js, player.css, inlined) into one self-contained
.html file that any browser opens without a network. No Qt.
"""
