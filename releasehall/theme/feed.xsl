<?xml version="1.0" encoding="UTF-8"?>
<!-- Release Hall: shows an RSS 2.0 or Atom feed of the hall as a readable page in a browser that opens it, with how
     to subscribe. Feed readers ignore it. Every value from the feed is written as text (never as markup, no
     script), and only http(s) links are made links. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
                exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="self" select="(/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href)[1]"/>
  <xsl:variable name="home" select="(/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href)[1]"/>

  <xsl:template match="/">
    <html lang="{{ variant.script }}">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="(/rss/channel/title | /atom:feed/atom:title)[1]"/>（订阅源）</title>
        <style>
          body { margin: 0; font: 1rem/1.7 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
                 color: #1f2328; background: #f6f7f9; }
          main { max-width: 44rem; margin: 0 auto; padding: 1rem; }
          .about { background: #fff8e6; border: 1px solid #e3c26f; border-radius: 6px; padding: .75rem 1rem; }
          .about h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
          .about p { margin: .25rem 0; }
          code { word-break: break-all; background: #fff; border: 1px solid #d0d7de; border-radius: 4px; padding: 0 .25rem; }
          h1 { font-size: 1.4rem; line-height: 1.4; margin: 1.25rem 0 .25rem; }
          .lead { color: #57606a; margin: 0 0 1rem; }
          ol { list-style: none; margin: 0; padding: 0; }
          li { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .9rem; margin: .5rem 0; }
          li a { font-weight: 600; font-size: 1.05rem; }
          .meta { color: #57606a; font-size: .9rem; }
          .tag { display: inline-block; border: 1px solid #d0d7de; border-radius: 999px; padding: 0 .5rem;
                 margin: .15rem .25rem 0 0; font-size: .85rem; color: #1f2328; }
          a { color: #0b5cad; }
        </style>
      </head>
      <body>
        <main>
          <section class="about" aria-labelledby="about">
            <h2 id="about">这是一个订阅源（RSS / Atom）</h2>
            <p>订阅后，有新的发布或答复时，阅读器会自动收到，不必反复打开网站。</p>
            <p>订阅方法：复制本页网址<xsl:if test="$self">（<code><xsl:value-of select="$self"/></code>）</xsl:if>，
              粘贴到任一 RSS 阅读器（如 Inoreader、Feedly、NetNewsWire、Thunderbird）的“添加订阅”中。</p>
            <p>本页只是订阅源的预览，内容以网站为准。</p>
          </section>
          <h1><xsl:value-of select="(/rss/channel/title | /atom:feed/atom:title)[1]"/></h1>
          <p class="lead">
            <xsl:value-of select="(/rss/channel/description | /atom:feed/atom:subtitle)[1]"/>
            <xsl:if test="starts-with($home, 'https://') or starts-with($home, 'http://')">
              <xsl:text> </xsl:text><a href="{$home}">访问网站</a>
            </xsl:if>
          </p>
          <h2>最新内容</h2>
          <ol>
            <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
          </ol>
          <xsl:if test="not(/rss/channel/item | /atom:feed/atom:entry)"><p>暂无内容。</p></xsl:if>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <xsl:call-template name="title">
        <xsl:with-param name="text" select="title"/>
        <xsl:with-param name="href" select="link"/>
      </xsl:call-template>
      <div class="meta">
        <xsl:call-template name="rfc822">
          <xsl:with-param name="date" select="pubDate"/>
        </xsl:call-template>
        <xsl:for-each select="dc:creator"><xsl:text> · </xsl:text><xsl:value-of select="."/></xsl:for-each>
      </div>
<!-- a department already named in the line above (dc:creator joins a joint release's with 、) is not a tag again -->
      <div><xsl:for-each select="category[not(contains(concat('、', ../dc:creator, '、'), concat('、', ., '、')))]"><span class="tag"><xsl:value-of select="."/></span></xsl:for-each></div>
    </li>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <xsl:call-template name="title">
        <xsl:with-param name="text" select="atom:title"/>
        <xsl:with-param name="href" select="atom:link[not(@rel) or @rel='alternate']/@href"/>
      </xsl:call-template>
      <div class="meta">
        <xsl:value-of select="substring(atom:published | atom:updated[not(../atom:published)], 1, 10)"/>
        <xsl:for-each select="atom:author/atom:name"><xsl:text> · </xsl:text><xsl:value-of select="."/></xsl:for-each>
      </div>
      <div>
        <xsl:for-each select="atom:category[not(@label = ../atom:author/atom:name)]">
          <span class="tag"><xsl:value-of select="@label"/><xsl:if test="not(@label)"><xsl:value-of select="@term"/></xsl:if></span>
        </xsl:for-each>
      </div>
    </li>
  </xsl:template>

  <!-- the item's title, a link only to an http(s) address -->
  <xsl:template name="title">
    <xsl:param name="text"/>
    <xsl:param name="href"/>
    <xsl:choose>
      <xsl:when test="starts-with($href, 'https://') or starts-with($href, 'http://')">
        <a href="{$href}"><xsl:value-of select="$text"/></a>
      </xsl:when>
      <xsl:otherwise><strong><xsl:value-of select="$text"/></strong></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "Tue, 08 Oct 2024 09:00:00 +0800" -> "2024-10-08" -->
  <xsl:template name="rfc822">
    <xsl:param name="date"/>
    <xsl:variable name="month" select="substring($date, 9, 3)"/>
    <xsl:value-of select="substring($date, 13, 4)"/>
    <xsl:text>-</xsl:text>
    <xsl:value-of select="substring('010203040506070809101112',
                          string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $month)) div 3 * 2 + 1, 2)"/>
    <xsl:text>-</xsl:text>
    <xsl:value-of select="substring($date, 6, 2)"/>
  </xsl:template>
</xsl:stylesheet>
