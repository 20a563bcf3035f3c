<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>eKaraganda</title><link>https://ekaraganda.kz/</link><description>eKaraganda: новости</description><language>ru</language><lastBuildDate>Thu, 26 Nov 2026 10:01:00 +0500</lastBuildDate>
<item><title>В Караганде продлят линию скоростного автобуса</title><link>https://ekaraganda.kz/?id=154311&amp;mod=news_read</link><guid isPermaLink="true">https://ekaraganda.kz/?id=154311&amp;mod=news_read</guid><pubDate>Thu, 26 Nov 2026 10:01:00 +0500</pubDate></item>
<item><title>Темиртаусцы пожаловались на запах гари</title><link>https://ekaraganda.kz/?id=154342&amp;mod=news_read</link><guid isPermaLink="true">https://ekaraganda.kz/?id=154342&amp;mod=news_read</guid></item>
<item><title>В Балхаше отремонтировали набережную</title><link>https://ekaraganda.kz/?id=154276&amp;mod=news_read</link><guid isPermaLink="true">https://ekaraganda.kz/?id=154276&amp;mod=news_read</guid><pubDate>Sat, 21 Nov 2026 17:45:00 +0500</pubDate></item>
</channel></rss>
